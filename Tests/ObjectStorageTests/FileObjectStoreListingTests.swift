import Foundation
import Testing

@testable import ObjectStorage

/// Listings of ``FileObjectStore`` in S3's order, checked by hand and against ``MemoryObjectStore``.
@Suite struct FileObjectStoreListingTests {
    static let keys = [
        "a-c", "a/b", "a/c/d", "a.txt", "a0", "b/x/1", "b/x/2", "b/y", "b-", "c d/e", "é/1", "z", "Z",
        "AWSLogs/1/CloudTrail/us-east-1/2024/01/01/f1.json.gz", "AWSLogs/1/CloudTrail/us-east-1/2024/01/02/f2.json.gz",
        "AWSLogs/1/CloudTrail-Digest/us-east-1/2024/01/01/d1.json.gz", "AWSLogs/2/CloudTrail/eu-west-1/2024/01/01/f3.json.gz",
    ].filter { FileObjectStore.isStorable(key: $0) }

    /// The same objects in both stores (keys the file store refuses are left out of both).
    static func stores(keys: [String]) async throws -> (StoreDirectory, FileObjectStore, MemoryObjectStore, [String]) {
        let dir = try StoreDirectory()
        let file = try await dir.withBucket("list-bucket")
        let memory = MemoryObjectStore()
        try await memory.createBucket("list-bucket", region: "us-east-1")
        var stored: [String] = []
        for key in keys {
            do {
                try await file.putObject(bucket: "list-bucket", key: key, body: Data(key.utf8), contentType: nil, metadata: [:])
            } catch ObjectStoreError.invalidKey {
                continue
            }
            try await memory.putObject(bucket: "list-bucket", key: key, body: Data(key.utf8), contentType: nil, metadata: [:])
            stored.append(key)
        }
        return (dir, file, memory, stored)
    }

    @Test func keysComeInUTF8ByteOrderNotDirectoryOrder() async throws {
        let (dir, store, _, stored) = try await Self.stores(keys: ["a/b", "a-c", "a.d", "a0", "b", "é", "Z"])
        defer { dir.remove() }
        #expect(stored.count == 7)
        let listing = try await store.listObjects(ObjectListRequest(bucket: "list-bucket"))
        #expect(listing.objects.map(\.key) == ["Z", "a-c", "a.d", "a/b", "a0", "b", "é"])
        #expect(!listing.isTruncated)
    }

    @Test func delimiterGroupsCommonPrefixes() async throws {
        let (dir, store, _, _) = try await Self.stores(keys: Self.keys)
        defer { dir.remove() }
        let top = try await store.listObjects(ObjectListRequest(bucket: "list-bucket", delimiter: "/"))
        #expect(top.commonPrefixes == ["AWSLogs/", "a/", "b/", "c d/", "é/"])
        #expect(top.objects.map(\.key) == ["Z", "a-c", "a.txt", "a0", "b-", "z"])
        let logs = try await store.listObjects(ObjectListRequest(bucket: "list-bucket", prefix: "AWSLogs/1/", delimiter: "/"))
        #expect(logs.commonPrefixes == ["AWSLogs/1/CloudTrail-Digest/", "AWSLogs/1/CloudTrail/"])
        #expect(logs.objects.isEmpty)
        let partial = try await store.listObjects(ObjectListRequest(bucket: "list-bucket", prefix: "AWSLogs/1/CloudTrail", delimiter: "/"))
        #expect(partial.commonPrefixes == ["AWSLogs/1/CloudTrail-Digest/", "AWSLogs/1/CloudTrail/"])
        let day = try await store.listObjects(
            ObjectListRequest(bucket: "list-bucket", prefix: "AWSLogs/1/CloudTrail/us-east-1/2024/01/0"))
        #expect(day.objects.map(\.key) == [
            "AWSLogs/1/CloudTrail/us-east-1/2024/01/01/f1.json.gz", "AWSLogs/1/CloudTrail/us-east-1/2024/01/02/f2.json.gz",
        ])
        let other = try await store.listObjects(ObjectListRequest(bucket: "list-bucket", prefix: "b", delimiter: "x"))
        #expect(other.commonPrefixes == ["b/x"])
        #expect(other.objects.map(\.key) == ["b-", "b/y"])
    }

    @Test func prefixesThatCannotBePathsListNothing() async throws {
        let (dir, store, _, _) = try await Self.stores(keys: ["a/b", "x"])
        defer { dir.remove() }
        for prefix in ["../", "a//", "a/../", "./a", "/a", "missing/"] {
            let listing = try await store.listObjects(ObjectListRequest(bucket: "list-bucket", prefix: prefix))
            #expect(listing.objects.isEmpty && listing.commonPrefixes.isEmpty, "\(prefix)")
        }
    }

    @Test func paginationVisitsEveryKeyOnce() async throws {
        let (dir, store, _, stored) = try await Self.stores(keys: Self.keys)
        defer { dir.remove() }
        for pageSize in [1, 2, 3, 7, 1000] {
            var seen: [String] = []
            var after: String?
            while true {
                let page = try await store.listObjects(ObjectListRequest(bucket: "list-bucket", startAfter: after, maxKeys: pageSize))
                seen += page.objects.map(\.key)
                #expect(page.objects.count <= pageSize)
                guard page.isTruncated else { break }
                after = page.lastReturned
                #expect(after != nil)
            }
            #expect(seen == stored.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        }
    }

    @Test func emptyDirectoriesAreNotCommonPrefixes() async throws {
        let (dir, store, _, _) = try await Self.stores(keys: ["k/1"])
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.root + "/objects/list-bucket/empty/deeper", withIntermediateDirectories: true)
        let listing = try await store.listObjects(ObjectListRequest(bucket: "list-bucket", delimiter: "/"))
        #expect(listing.commonPrefixes == ["k/"])
    }

    /// Every combination of prefix, delimiter, start and page size lists what the memory store lists.
    @Test func matchesTheMemoryStoreEverywhere() async throws {
        let (dir, file, memory, stored) = try await Self.stores(keys: Self.keys)
        defer { dir.remove() }
        var prefixes = Set([""])
        for key in stored {
            for end in key.indices { prefixes.insert(String(key[..<end])) }
        }
        let starts: [String?] = [nil, "a", "a/", "a/b", "AWSLogs/1/", "b/x/1", "zz", "c d/"]
        var checked = 0
        for prefix in prefixes.sorted() {
            for delimiter in [nil, "/", "-", "x/"] as [String?] {
                for start in starts {
                    for maxKeys in [0, 1, 2, 1000] {
                        let request = ObjectListRequest(
                            bucket: "list-bucket", prefix: prefix, delimiter: delimiter, startAfter: start, maxKeys: maxKeys)
                        let a = try await file.listObjects(request)
                        let b = try await memory.listObjects(request)
                        #expect(a.objects.map(\.key) == b.objects.map(\.key), "\(request)")
                        #expect(a.commonPrefixes == b.commonPrefixes, "\(request)")
                        #expect(a.isTruncated == b.isTruncated, "\(request)")
                        #expect(a.lastReturned == b.lastReturned, "\(request)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 1000)
    }
}
