import Foundation
import Testing
import TrailModel

@testable import TrailIntegrity

/// First-member gunzip with zlib's outcomes (what Python's `zlib.decompressobj(MAX_WBITS | 16)`
/// and `zlib.decompress` give the CLI).
@Suite struct GzipFirstMemberTests {
    static func sample(_ count: Int, seed: UInt64 = 1) -> Data {
        var state = seed
        var bytes = [UInt8]()
        bytes.reserveCapacity(count)
        let words = Array(#"{"eventName":"DescribeInstances","awsRegion":"us-east-1","readOnly":true}"#.utf8)
        while bytes.count < count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            if state >> 60 < 3 {
                bytes.append(UInt8(truncatingIfNeeded: state >> 33))
            } else {
                bytes.append(contentsOf: words.prefix(Int(state >> 58) % words.count + 1))
            }
        }
        return Data(bytes.prefix(count))
    }

    @Test(arguments: [0, 1, 100, 5000, 70_000, 300_000])
    func slowPathAgreesWithLibdeflate(size: Int) throws {
        let data = Self.sample(size, seed: UInt64(size))
        for level in [1, 6, 12] {
            let gz = try #require(Gzip.compress(data, level: level))
            let slow = FirstMemberInflater.inflate(Array(gz))
            #expect(slow.outcome == .complete)
            #expect(Data(slow.output) == data)
            let both = GzipFirstMember.inflate(gz)
            #expect(both.outcome == .complete && both.bytes == data)
        }
    }

    @Test func onlyTheFirstMemberCounts() throws {
        let a = Self.sample(3000, seed: 7), b = Self.sample(2000, seed: 8)
        let gz = Gzip.compress(a)! + Gzip.compress(b)!
        #expect(Gzip.decompress(gz) == a + b)  // libdeflate alone reads both
        let result = GzipFirstMember.inflate(gz)
        #expect(result.outcome == .complete && result.bytes == a)
        // An empty first member hides what follows.
        let hidden = GzipFirstMember.inflate(Gzip.compress(Data())! + Gzip.compress(b)!)
        #expect(hidden.outcome == .complete && hidden.bytes.isEmpty)
        // Trailing garbage and zero padding are ignored.
        #expect(GzipFirstMember.inflate(Gzip.compress(a)! + Data("garbage".utf8)).bytes == a)
        #expect(GzipFirstMember.inflate(Gzip.compress(a)! + Data(count: 100)).bytes == a)
    }

    @Test func truncatedStreamsYieldWhatWasDecoded() throws {
        let data = Self.sample(20_000, seed: 3)
        let gz = try #require(Gzip.compress(data))
        // Without ISIZE (and even without the CRC) all data is there.
        for cut in [4, 8] {
            let result = GzipFirstMember.inflate(gz.prefix(gz.count - cut))
            #expect(result.outcome == .truncated && result.bytes == data)
        }
        // Cut into the data: a prefix of it, no error.
        for cut in [9, 100, gz.count / 2, gz.count - 11, gz.count - 1] {
            let result = GzipFirstMember.inflate(gz.prefix(gz.count - cut))
            #expect(result.outcome == .truncated)
            #expect(data.starts(with: result.bytes))
            if cut >= 100 { #expect(result.bytes.count < data.count) }
        }
        // Not even a whole header: nothing, no error.
        #expect(GzipFirstMember.inflate(gz.prefix(5)).outcome == .truncated)
        #expect(GzipFirstMember.inflate(Data()).outcome == .truncated)
        #expect(GzipFirstMember.inflate(Data([0x00])).outcome == .truncated)
    }

    @Test func corruptStreamsAreErrors() throws {
        let data = Self.sample(5000, seed: 4)
        let gz = try #require(Gzip.compress(data))
        var crc = gz
        crc[crc.count - 8] ^= 0xFF
        #expect(GzipFirstMember.inflate(crc).outcome == .corrupt("incorrect data check"))
        var size = gz
        size[size.count - 1] ^= 0x01
        #expect(GzipFirstMember.inflate(size).outcome == .corrupt("incorrect length check"))
        #expect(GzipFirstMember.inflate(Data("plain text".utf8)).outcome == .corrupt("incorrect header check"))
        var method = gz
        method[2] = 7
        #expect(GzipFirstMember.inflate(method).outcome == .corrupt("unknown compression method"))
        var flags = gz
        flags[3] = 0x20
        #expect(GzipFirstMember.inflate(flags).outcome == .corrupt("unknown header flags set"))
        var block = gz
        block[10] |= 0x06  // BTYPE 3
        #expect(GzipFirstMember.inflate(block).outcome == .corrupt("invalid block type"))
    }

    /// A hand-made member: FNAME, FCOMMENT, FEXTRA and FHCRC in the header; one stored block.
    @Test func headerFieldsAndStoredBlocks() {
        let payload = Array("stored block payload".utf8)
        var header: [UInt8] = [0x1F, 0x8B, 8, 0x1E, 0, 0, 0, 0, 0, 3]  // FHCRC|FEXTRA|FNAME|FCOMMENT
        header += [3, 0, 1, 2, 3]  // XLEN 3
        header += Array("name".utf8) + [0] + Array("comment".utf8) + [0]
        let headerCRC = CRC32.checksum(header) & 0xFFFF
        var member = header + [UInt8(headerCRC & 0xFF), UInt8(headerCRC >> 8)]
        let n = UInt16(payload.count)
        member += [0x01, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8(~n >> 8)] + payload
        let crc = CRC32.checksum(payload)
        member += (0..<4).map { UInt8(crc >> (8 * $0) & 0xFF) } + [UInt8(payload.count), 0, 0, 0]
        let result = GzipFirstMember.inflate(Data(member))
        #expect(result.outcome == .complete && Array(result.bytes) == payload)
        var badHeaderCRC = member
        badHeaderCRC[header.count] ^= 1
        #expect(GzipFirstMember.inflate(Data(badHeaderCRC)).outcome == .corrupt("header crc mismatch"))
        // A stored block cut short yields the bytes that are there.
        let cut = GzipFirstMember.inflate(Data(member.prefix(header.count + 2 + 5 + 6)))
        #expect(cut.outcome == .truncated && Array(cut.bytes) == Array(payload.prefix(6)))
        var lengths = member
        lengths[header.count + 2 + 3] ^= 1
        #expect(GzipFirstMember.inflate(Data(lengths)).outcome == .corrupt("invalid stored block lengths"))
    }

    @Test func probingStopsAtTheFirstByte() throws {
        let gz = try #require(Gzip.compress(Self.sample(10_000)))
        let probe = FirstMemberInflater.inflate(Array(gz), outputLimit: 1)
        #expect(probe.outcome == .outputLimitReached && probe.output.count == 1)
    }
}
