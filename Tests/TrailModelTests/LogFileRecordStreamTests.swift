import Foundation
import Testing
import TrailModel
import TrailTesting

/// A document handed out in chunks of fixed or varying sizes, as an S3 body or a file would be.
private struct DataChunks: AsyncSequence, Sendable {
    typealias Element = Data
    let data: Data
    /// Chunk sizes used in turn (cycled).
    let sizes: [Int]

    struct AsyncIterator: AsyncIteratorProtocol {
        let data: Data
        let sizes: [Int]
        var offset = 0
        var turn = 0
        mutating func next() async -> Data? {
            guard offset < data.count else { return nil }
            let size = sizes[turn % sizes.count]
            turn += 1
            let end = Swift.min(data.count, offset + size)
            defer { offset = end }
            return data.subdata(in: offset..<end)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(data: data, sizes: sizes) }
}

/// A long synthetic `{"Records":[…]}` document generated chunk by chunk, never held whole.
private struct SyntheticRecords: AsyncSequence, Sendable {
    typealias Element = Data
    let records: Int
    let record: Data

    struct AsyncIterator: AsyncIteratorProtocol {
        let records: Int
        let record: Data
        var next = 0
        var isDone = false
        mutating func next() async -> Data? {
            guard !isDone else { return nil }
            var chunk = Data(capacity: 1 << 20)
            if next == 0 { chunk.append(contentsOf: Array(#"{"Records":["#.utf8)) }
            while chunk.count < 1 << 20 && next < records {
                if next > 0 { chunk.append(UInt8(ascii: ",")) }
                chunk.append(record)
                next += 1
            }
            if next == records {
                chunk.append(contentsOf: Array("]}\n".utf8))
                isDone = true
            }
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(records: records, record: record) }
}

@Suite struct LogFileRecordStreamTests {
    typealias Results = [Result<AuditRecord, RecordRejection>]

    /// Reads a whole document through the stream; returns the records, the statistics and the error, if any.
    func stream(
        _ data: Data, sizes: [Int], configuration: LogFileRecordReader.Configuration = .init()
    ) async -> (results: Results, statistics: LogFileRecordReader.Statistics?, error: LogFileStreamError?) {
        var results: Results = []
        var statistics: LogFileRecordReader.Statistics?
        do {
            for try await batch in LogFileRecordStream(chunks: DataChunks(data: data, sizes: sizes), configuration: configuration) {
                #expect(batch.firstIndex == results.count)
                results += batch.results
                statistics = batch.statistics
            }
        } catch let error as LogFileStreamError {
            return (results, statistics, error)
        } catch {
            Issue.record("unexpected error \(error)")
        }
        return (results, statistics, nil)
    }

    func invictusDocuments() throws -> [Data] {
        try SharedData.files(in: "invictus-ir-aws-dataset", suffixes: [".json", ".json.gz"]).map {
            let data = try Data(contentsOf: $0)
            return $0.pathExtension == "gz" ? try #require(Gzip.decompress(data)) : data
        }
    }

    static let record1 = #"{"eventVersion":"1.08","eventTime":"2023-07-10T12:11:15Z","eventName":"ConsoleLogin","eventID":"11111111-1111-1111-1111-111111111111","requestParameters":{"policy":"{\"Statement\":[{\"Effect\":\"Allow\",\"Resource\":\"}]}\"}]} \\\\\" ]}{["}}"#
    static let record2 = #"{"eventVersion":"1.08","eventTime":"2023-07-10T12:11:16Z","eventName":"CreateUser","eventID":"22222222-2222-2222-2222-222222222222","tags":["]","}","\\",{"k":"{\"\\\""}],"n":[1,[2,[3]]]}"#

    // MARK: - Same records as whole-document parsing

    @Test(
        .enabled(if: SharedData.isAvailable, "needs ../shared/data (set TRAILKEEPER_SHARED_DATA)"),
        arguments: [[4096], [65537], [1 << 20], [1, 7, 4096, 3, 100_000, 13]])
    func invictusRecordsAreByteIdenticalToWholeDocumentParsing(sizes: [Int]) async throws {
        let documents = try invictusDocuments()
        #expect(documents.count >= 50)
        var total = 0
        for document in documents {
            let expected = try RecordParser().records(in: document)
            let plain = await stream(document, sizes: sizes)
            #expect(plain.error == nil)
            #expect(plain.results == expected)
            let gzipped = await stream(try #require(Gzip.compress(document)), sizes: sizes)
            #expect(gzipped.error == nil)
            #expect(gzipped.results == expected)
            #expect(gzipped.statistics?.uncompressedBytes == UInt64(document.count))
            total += plain.results.count
        }
        #expect(total == 2900)
    }

    @Test(
        .enabled(if: SharedData.isAvailable, "needs ../shared/data (set TRAILKEEPER_SHARED_DATA)"),
        arguments: [1, 7])
    func invictusRecordsSurviveTinyChunks(size: Int) async throws {
        for document in try invictusDocuments().prefix(2) {
            let expected = try RecordParser().records(in: document)
            #expect(await stream(document, sizes: [size]).results == expected)
            #expect(await stream(try #require(Gzip.compress(document)), sizes: [size]).results == expected)
        }
    }

    @Test(arguments: 1...40)
    func recordsSplitInsideStringsWithEscapedQuotesAndBraces(size: Int) async throws {
        let document = Data(#"{"Records":[ \#(Self.record1) , \#(Self.record2) ]}"#.utf8)
        let expected = try RecordParser().records(in: document)
        #expect(expected.count == 2)
        #expect(expected.allSatisfy { (try? $0.get()) != nil })
        let read = await stream(document, sizes: [size])
        #expect(read.error == nil)
        #expect(read.results == expected)
    }

    // MARK: - Document shapes

    @Test func recordsKeyNeedNotComeFirst() async throws {
        let document = Data(
            #"{"Digest":{"Records":[{"x":1}]},"note":"]}\"Records\":[","Records":[\#(Self.record1),\#(Self.record2)],"after":[{"y":"}"}]}"#
                .utf8)
        for sizes in [[1], [5], [4096]] {
            let read = await stream(document, sizes: sizes)
            #expect(read.error == nil)
            #expect(read.results == (try RecordParser().records(in: document)))
            #expect(read.results.compactMap { try? $0.get().eventName } == ["ConsoleLogin", "CreateUser"])
        }
    }

    @Test func bareArrayAndJSONLinesAreRead() async throws {
        let array = Data("[\(Self.record1),\n\(Self.record2)]".utf8)
        let lines = Data("\(Self.record1)\n\(Self.record2)\n".utf8)
        for document in [array, lines] {
            for sizes in [[1], [9], [4096]] {
                let read = await stream(document, sizes: sizes)
                #expect(read.error == nil)
                #expect(read.results.count == 2)
                #expect(read.results == (try RecordParser().records(in: document)))
            }
        }
    }

    @Test func nonObjectElementsAreRejectedAndEmptyInputHasNoRecords() async throws {
        let read = await stream(Data(#"{"Records":[1, "two", \#(Self.record1), [3]]}"#.utf8), sizes: [2])
        #expect(read.error == nil)
        #expect(read.results.count == 4)
        #expect(read.results.map { (try? $0.get()) != nil } == [false, false, true, false])
        for empty in ["", "  \n", #"{"Records":[]}"#, "[]"] {
            let none = await stream(Data(empty.utf8), sizes: [1])
            #expect(none.error == nil)
            #expect(none.results.isEmpty)
        }
    }

    // MARK: - Broken input

    @Test func nonJSONIsAnErrorWithItsOffset() async throws {
        let html = await stream(Data("<html>not json</html>".utf8), sizes: [3])
        #expect(html.error?.code == .notJSON)
        #expect(html.error?.offset == 0)
        #expect(html.results.isEmpty)

        let one = await stream(Data("x".utf8), sizes: [1])
        #expect(one.error?.code == .notJSON)

        // Records before the problem are handed out first.
        let after = await stream(Data("[\(Self.record1)] garbage".utf8), sizes: [4])
        #expect(after.results.count == 1)
        #expect(after.error?.code == .notJSON)
        #expect(after.error?.offset == UInt64(Self.record1.utf8.count + 3))
        #expect(after.error?.description.contains("byte offset \(Self.record1.utf8.count + 3)") == true)

        let badArray = await stream(Data("[\(Self.record1) \(Self.record2)]".utf8), sizes: [4096])
        #expect(badArray.results.count == 1)
        #expect(badArray.error?.code == .malformedArray)

        let notArray = await stream(Data(#"{"Records":{"a":1}}"#.utf8), sizes: [4096])
        #expect(notArray.error?.code == .recordsNotArray)
    }

    @Test func truncatedJSONIsAnErrorAfterTheCompleteRecords() async throws {
        let text = #"{"Records":[\#(Self.record1),\#(Self.record2)]}"#
        let cut = Data(text.utf8.prefix(text.utf8.count - 30))
        for sizes in [[1], [4096]] {
            let read = await stream(cut, sizes: sizes)
            #expect(read.results.count == 1)
            #expect(read.error?.code == .truncatedJSON)
            #expect(read.error?.offset == UInt64(cut.count))
        }
    }

    // MARK: - gzip

    @Test(arguments: [1, 3, 4096])
    func multiMemberGzipIsReadWhole(size: Int) async throws {
        let text = Data(#"{"Records":[\#(Self.record1),\#(Self.record2),\#(Self.record1)]}"#.utf8)
        // Members cut at arbitrary points, even inside a record and a string.
        let cuts = [0, 17, 200, 201, text.count - 5, text.count]
        var gzip = Data()
        for (from, to) in zip(cuts, cuts.dropFirst()) {
            gzip += try #require(Gzip.compress(text.subdata(in: from..<to)))
        }
        gzip += Data(repeating: 0, count: 8)  // trailing padding some writers leave
        let read = await stream(gzip, sizes: [size])
        #expect(read.error == nil)
        #expect(read.results == (try RecordParser().records(in: text)))
        #expect(read.results.count == 3)
    }

    @Test func truncatedGzipIsAnErrorAfterTheRecordsItHeld() async throws {
        // Records with random content, so that half the gzip holds about half the records.
        let records = (0..<200).map { _ in
            #"{"eventTime":"2023-07-10T12:11:15Z","eventID":"\#(UUID().uuidString)","r":"\#(UUID().uuidString)\#(UUID().uuidString)"}"#
        }
        let text = Data(("{\"Records\":[" + records.joined(separator: ",") + "]}").utf8)
        let gzip = try #require(Gzip.compress(text))
        for cut in [gzip.count - 4, gzip.count - 12, gzip.count / 2] {
            let read = await stream(gzip.prefix(cut), sizes: [1000])
            #expect(read.error?.code == .truncatedGzip, "cut at \(cut)")
            #expect(read.error?.description.contains("truncated gzip") == true)
            #expect(read.results.allSatisfy { (try? $0.get()) != nil })
            if cut == gzip.count / 2 { #expect(read.results.count > 0 && read.results.count < 200) }
        }
    }

    @Test func corruptGzipIsAnError() async throws {
        let text = Data(("{\"Records\":[" + Array(repeating: Self.record2, count: 100).joined(separator: ",") + "]}").utf8)
        var gzip = try #require(Gzip.compress(text))
        // Bad compression method in the header.
        var header = gzip
        header[2] = 9
        #expect(await stream(header, sizes: [4096]).error?.code == .corruptGzip)
        // Damaged deflate data or checksum.
        for i in stride(from: 20, to: gzip.count - 8, by: max(1, gzip.count / 5)) { gzip[i] ^= 0x55 }
        let read = await stream(gzip, sizes: [4096])
        #expect(read.error?.code == .corruptGzip)
        #expect(read.error?.description.contains("corrupt gzip") == true)
        // Garbage after the zero padding.
        let padded = try #require(Gzip.compress(text)) + Data([0, 0, 0x41])
        #expect(await stream(padded, sizes: [7]).error?.code == .corruptGzip)
    }

    // MARK: - Bounded memory

    @Test func oversizedRecordIsRejectedAndLaterRecordsStillFlow() async throws {
        let big = #"{"eventTime":"2023-07-10T12:11:15Z","eventName":"Big","blob":""#
            + String(repeating: "{\\\"x\\\":[1]}", count: 2000) + #""}"#
        let document = Data(#"{"Records":[\#(Self.record1),\#(big),\#(Self.record2)]}"#.utf8)
        let configuration = LogFileRecordReader.Configuration(maximumRecordSize: 1000, sliceSize: 512)
        for sizes in [[1], [100], [1 << 20]] {
            for input in [document, try #require(Gzip.compress(document))] {
                let read = await stream(input, sizes: sizes, configuration: configuration)
                #expect(read.error == nil)
                #expect(read.results.count == 3)
                #expect(read.results.first.flatMap { try? $0.get().eventName } == "ConsoleLogin")
                #expect(read.results.last.flatMap { try? $0.get().eventName } == "CreateUser")
                guard case .failure(let rejection) = read.results[1] else {
                    Issue.record("the oversized record must be rejected")
                    continue
                }
                #expect(rejection.index == 1)
                #expect(rejection.reason == "record is \(big.utf8.count) bytes; the limit is 1000")
                #expect((read.statistics?.maxBufferedBytes ?? .max) <= 1000 + 512)
            }
        }
    }

    @Test func aLargeStreamIsReadInBoundedMemory() async throws {
        // ~300 MB of uncompressed records generated on the fly.
        var template = Data(Self.record1.utf8)
        template.append(contentsOf: Array(String(repeating: " ", count: 1000).utf8))
        let count = 300_000_000 / template.count
        let configuration = LogFileRecordReader.Configuration()
        var records = 0
        var rejected = 0
        var statistics: LogFileRecordReader.Statistics?
        for try await batch in LogFileRecordStream(
            chunks: SyntheticRecords(records: count, record: template), configuration: configuration)
        {
            records += batch.results.count
            rejected += batch.results.filter { (try? $0.get()) == nil }.count
            statistics = batch.statistics
        }
        #expect(records == count)
        #expect(rejected == 0)
        let stats = try #require(statistics)
        #expect(stats.uncompressedBytes >= 300_000_000)
        // The reader never held more than the record limit plus one slice.
        #expect(stats.maxBufferedBytes <= configuration.maximumRecordSize + configuration.sliceSize)
        #expect(stats.maxBufferedBytes >= configuration.sliceSize)
    }

    @Test func localFilesAreReadInChunks() async throws {
        let text = Data(#"{"Records":[\#(Self.record1),\#(Self.record2)]}"#.utf8)
        let path = NSTemporaryDirectory() + "/tk-stream-\(UUID().uuidString).json.gz"
        try #require(Gzip.compress(text)).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var results: Results = []
        for try await batch in LogFileRecordStream(contentsOfFile: path, chunkSize: 10) { results += batch.results }
        #expect(results == (try RecordParser().records(in: text)))
    }
}
