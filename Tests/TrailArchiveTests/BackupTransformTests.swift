import Crypto
import Foundation
import Testing
import TrailArchive
import TrailModel

@Suite struct BackupTransformTests {
    static let key = try! BackupEncryptionKey(bytes: Data((0..<32).map { UInt8($0) }))

    /// A CloudTrail-like log file, gzipped at `level`.
    static func logFile(_ n: Int = 1, level: Int = 1) -> (gzip: Data, json: Data) {
        let records = (0..<200).map { i in
            #"{"eventVersion":"1.08","eventTime":"2026-01-02T03:04:05Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","eventID":"\#(n)-\#(i)","requestParameters":{"bucketName":"b","key":"k\#(i % 7)"}}"#
        }
        let json = Data(("{\"Records\":[" + records.joined(separator: ",") + "]}").utf8)
        return (Gzip.compress(json, level: level)!, json)
    }

    @Test func recompressionKeepsTheContentAndRecordsTheSource() throws {
        let (gzip, json) = Self.logFile()
        let output = try BackupTransform(recompressionLevel: 12).apply(to: gzip, sourceETag: "etag-1")
        #expect(output.bytes.count < gzip.count)
        #expect(Gzip.decompress(output.bytes) == json)
        #expect(output.warning == nil)
        #expect(output.metadata[BackupMetadata.transform] == "recompressed")
        #expect(output.metadata[BackupMetadata.contentSHA256] == SHA256.hash(data: json).map { String(format: "%02x", $0) }.joined())
        #expect(output.metadata[BackupMetadata.sourceSize] == String(gzip.count))
        #expect(output.metadata[BackupMetadata.sourceSHA256] == SHA256.hash(data: gzip).map { String(format: "%02x", $0) }.joined())
    }

    @Test func recompressionJoinsMembersAndLeavesOtherBytesAlone() throws {
        let (a, jsonA) = Self.logFile(1)
        let (b, jsonB) = Self.logFile(2)
        let output = try BackupTransform(recompressionLevel: 9).apply(to: a + b, sourceETag: "e")
        #expect(Gzip.decompress(output.bytes) == jsonA + jsonB)
        // One member: the trailer's ISIZE is the whole content's size.
        let isize = output.bytes.suffix(4).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(isize == jsonA.count + jsonB.count)

        let plain = Data("not compressed".utf8)
        let kept = try BackupTransform(recompressionLevel: 12).apply(to: plain, sourceETag: "e")
        #expect(kept.bytes == plain)
        #expect(kept.metadata.isEmpty)
        #expect(kept.warning == nil)

        var broken = a
        broken[broken.count / 2] ^= 0xFF
        let corrupt = try BackupTransform(recompressionLevel: 12).apply(to: broken, sourceETag: "e")
        #expect(corrupt.bytes == broken)
        #expect(corrupt.warning == "not valid gzip: copied without recompression")
    }

    @Test func encryptionRoundTrip() throws {
        let (gzip, _) = Self.logFile()
        let output = try BackupTransform(encryption: Self.key).apply(to: gzip, sourceETag: "abc")
        #expect(BackupEnvelope.isEnvelope(output.bytes))
        #expect(output.bytes.count == gzip.count + 12 + 12 + 16 + (try headerLength(output.bytes)))
        #expect(output.metadata[BackupMetadata.transform] == "encrypted")
        #expect(output.metadata[BackupMetadata.keyID] == Self.key.id)
        let header = try BackupEnvelope.header(of: output.bytes)
        #expect(header.sourceETag == "abc")
        #expect(header.sourceSize == Int64(gzip.count))
        #expect(header.content == "original")
        let (plaintext, _) = try BackupEnvelope.open(output.bytes, key: Self.key)
        #expect(plaintext == gzip)
        // Two seals of the same bytes differ (random nonce).
        let again = try BackupTransform(encryption: Self.key).apply(to: gzip, sourceETag: "abc")
        #expect(again.bytes != output.bytes)
    }

    func headerLength(_ envelope: Data) throws -> Int {
        envelope[8..<12].reduce(0) { $0 << 8 | Int($1) }
    }

    @Test func recompressedAndEncryptedOpensToTheRecompressedGzip() throws {
        let (gzip, json) = Self.logFile(level: 1)
        let output = try BackupTransform(recompressionLevel: 12, encryption: Self.key).apply(to: gzip, sourceETag: "e")
        #expect(output.metadata[BackupMetadata.transform] == "recompressed,encrypted")
        let (plaintext, header) = try BackupEnvelope.open(output.bytes, key: Self.key)
        #expect(header.content == "recompressed")
        #expect(plaintext.count < gzip.count)
        #expect(Gzip.decompress(plaintext) == json)
    }

    @Test func tamperingAndWrongKeysAreRefused() throws {
        let (gzip, _) = Self.logFile()
        let sealed = try BackupTransform(encryption: Self.key).apply(to: gzip, sourceETag: "e").bytes
        let other = try BackupEncryptionKey(bytes: Data(repeating: 7, count: 32))
        #expect(throws: BackupEncryptionError.wrongKey(expected: other.id, found: Self.key.id)) {
            try BackupEnvelope.open(sealed, key: other)
        }
        var flipped = sealed
        flipped[flipped.count - 40] ^= 1
        #expect(throws: BackupEncryptionError.authenticationFailed) { try BackupEnvelope.open(flipped, key: Self.key) }
        // The header is authenticated too: change the recorded size, same length.
        let text = String(decoding: sealed, as: UTF8.self)
        let size = "\"sourceSize\":\(gzip.count)"
        let forged = Data(text.replacingOccurrences(of: size, with: "\"sourceSize\":\(gzip.count + 1)").utf8)
        if forged.count == sealed.count {
            #expect(throws: BackupEncryptionError.authenticationFailed) { try BackupEnvelope.open(forged, key: Self.key) }
        }
        #expect(throws: BackupEncryptionError.self) { try BackupEnvelope.open(sealed.prefix(30), key: Self.key) }
        #expect(throws: BackupEncryptionError.self) { try BackupEnvelope.open(gzip, key: Self.key) }
    }

    @Test func keyFiles() throws {
        let bytes = Data((0..<32).map { UInt8(255 - $0) })
        let raw = try BackupEncryptionKey(fileContents: bytes)
        let hex = try BackupEncryptionKey(fileContents: Data((bytes.map { String(format: "%02x", $0) }.joined() + "\n").utf8))
        let base64 = try BackupEncryptionKey(fileContents: Data(("  " + bytes.base64EncodedString() + "\n").utf8))
        #expect(raw.id == hex.id)
        #expect(raw.id == base64.id)
        #expect(raw.id.count == 16)
        #expect(raw.id != Self.key.id)
        for bad in [Data(count: 31), Data("zz".utf8), Data(String(repeating: "g", count: 64).utf8)] {
            #expect(throws: BackupEncryptionError.self) { try BackupEncryptionKey(fileContents: bad) }
        }
        #expect(throws: BackupEncryptionError.self) { try BackupEncryptionKey(contentsOfFile: "/nonexistent/backup.key") }
    }
}
