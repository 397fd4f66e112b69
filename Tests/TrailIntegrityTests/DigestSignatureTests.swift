import Crypto
import Foundation
import ObjectStorage
import Testing
import TrailModel
import _CryptoExtras

@testable import TrailIntegrity

/// The spec's worked example (§3.2, §3.4) and key vector (§3.4.4), and the signature rules of the
/// CLI's validator.
@Suite struct DigestSignatureTests {
    /// The starting digest of spec §3.2, exactly as hashed (626 bytes).
    static let specDigest =
        #"{"awsAccountId":"111122223333","digestStartTime":"2024-05-01T12:02:15Z","digestEndTime":"2024-05-01T13:02:15Z","digestS3Bucket":"audit-logs","digestS3Object":"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01/111122223333_CloudTrail-Digest_us-east-1_audit_us-east-1_20240501T130215Z.json.gz","digestPublicKeyFingerprint":"8eba5db5bea9b640d1c96a77256fe7f2","digestSignatureAlgorithm":"SHA256withRSA","newestEventTime":null,"oldestEventTime":null,"previousDigestS3Bucket":null,"previousDigestS3Object":null,"previousDigestHashValue":null,"previousDigestHashAlgorithm":null,"previousDigestSignature":null,"logFiles":[]}"#
    static let specKey =
        "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01/111122223333_CloudTrail-Digest_us-east-1_audit_us-east-1_20240501T130215Z.json.gz"
    /// The AWS documentation key of spec §3.4.4 (PKCS#1 DER, base64).
    static let specPublicKey =
        "MIIBCgKCAQEAn11L2YZ9h7onug2ILi1MWyHiMRsTQjfWE+pHVRLk1QjfWhirG+lpOa8NrwQ/r7Ah5bNL6HepznOU9XTDSfmmnP97mqyc7z/upfZdS/AHhYcGaz7n6Wc/RRBU6VmiPCrAUojuSk6/GjvA8iOPFsYDuBtviXarvuLPlrT9kAd4Lb+rFfR5peEgBEkhlzc5HuWO7S0y+KunqxX6jQBnXGMtxmPBPP0FylgWGNdFtks/4YSKcgqwH0YDcawP9GGGDAeCIqPWIXDLG1jOjRRzWfCmD0iJUkz8vTsn4hq/5ZxRFE7UBAUiVcGbdnDdvVfhF9C3dQiDq3k7adQIziLT0cShgQIDAQAB"

    @Test func workedExampleHashesAndSigningString() {
        let bytes = Data(Self.specDigest.utf8)
        #expect(bytes.count == 626)
        #expect(Hex.sha256(bytes) == "2163d8e967a96d0785babf4e5b48f63f8ddb6bab323b6db124f4ee8f84d39b42")
        let signing = DigestFile.signingString(
            endTime: "2024-05-01T13:02:15Z",
            bucket: "audit-logs",
            key: Self.specKey,
            sha256Hex: Hex.sha256(bytes),
            previousSignature: nil
        )
        #expect(signing.hasSuffix("\nnull") && !signing.hasSuffix("\n"))
        #expect(Hex.sha256(Data(signing.utf8)) == "4c5dc48d0e1a87dc3d8342dcd5245a98d50d8334feb97d50026c01877094084d")
    }

    /// The validator signs-checks exactly the spec's string: a signature over it made with a test key
    /// (published under the example's fingerprint) verifies, over the example's exact bytes.
    @Test func validatorVerifiesTheWorkedExampleSigningString() async throws {
        let store = MemoryObjectStore()
        try await store.createBucket("audit-logs", region: "us-east-1")
        let bytes = Data(Self.specDigest.utf8)
        let signing =
            "2024-05-01T13:02:15Z\naudit-logs/\(Self.specKey)\n2163d8e967a96d0785babf4e5b48f63f8ddb6bab323b6db124f4ee8f84d39b42\nnull"
        let signature = try TestKeys.published.sign(signing)
        try await store.putObject(
            bucket: "audit-logs",
            key: Self.specKey,
            body: Gzip.compress(bytes)!,
            contentType: nil,
            metadata: ["signature": signature, "signature-algorithm": "SHA256withRSA"]
        )
        var entry = TestKeys.published.entry
        entry.fingerprint = "8eba5db5bea9b640d1c96a77256fe7f2"
        let arn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/audit"
        let validator = LogValidator(
            trails: StaticTrails(trails: [arn: TrailRecord(bucketName: "audit-logs", isOrganizationTrail: false)]),
            objects: StoreObjectSource(store: store),
            keys: StaticKeys([entry])
        )
        let console = CapturedConsole()
        let status = await validator.run(
            ValidateLogsRequest(
                trailARN: arn,
                startTime: "2024-05-01T12:00:00Z",
                endTime: "2024-05-01T14:00:00Z",
                isVerbose: true
            ),
            format: .text,
            console: console.console
        )
        #expect(status == 0)
        #expect(console.standardOutput.contains("Digest file\ts3://audit-logs/\(Self.specKey)\tvalid\n"))
        #expect(
            console.standardOutput.hasSuffix(
                "Results found for 2024-05-01T12:02:15Z to 2024-05-01T13:02:15Z:\n\n1/1 digest files valid\n"
            )
        )
    }

    @Test func documentationKeyLoadsAsPKCS1AndHasTheDocumentedFingerprint() throws {
        let der = try PythonCodecs.base64Decode(Self.specPublicKey)
        #expect(Hex.encode(Insecure.MD5.hash(data: der)) == "8eba5db5bea9b640d1c96a77256fe7f2")
        let key = try #require(PKCS1PublicKey(der: der))
        #expect(key.modulus.count == 256 && key.exponent == [0x01, 0x00, 0x01])
        #expect(key.signingKey != nil)
    }

    @Test func onlyPKCS1KeysLoad() throws {
        let pkcs1 = Array(TestKeys.published.der)
        #expect(PKCS1PublicKey(der: pkcs1) != nil)
        #expect(PKCS1PublicKey(der: pkcs1 + [1, 2, 3]) != nil)  // pyasn1 ignores trailing bytes
        // SubjectPublicKeyInfo loads in swift-crypto but not in the CLI.
        let spki = Array(TestKeys.published.privateKey.publicKey.derRepresentation)
        #expect(spki != pkcs1 && PKCS1PublicKey(der: spki) == nil)
        #expect(PKCS1PublicKey(der: []) == nil)
        #expect(PKCS1PublicKey(der: Array(pkcs1.dropLast())) == nil)
        // Long-form lengths are read, a third component is refused.
        let body = Array(pkcs1.dropFirst(4))
        #expect(PKCS1PublicKey(der: [0x30, 0x83, 0x00, 0x01, 0x0A] + body) != nil)
        #expect(PKCS1PublicKey(der: [0x30, 0x82, 0x01, 0x0D] + body + [0x02, 0x01, 0x05]) == nil)
    }

    @Test func signaturesVerifyAsPythonRSADoes() throws {
        let key = try #require(PKCS1PublicKey(der: Array(TestKeys.published.der)))
        let message = Array("end\nbucket/key\nhash\nnull".utf8)
        let hex = try TestKeys.published.sign(String(decoding: message, as: UTF8.self))
        let signature = try PythonCodecs.hexDecode(hex)
        #expect(DigestSignature(bytes: signature).isValid(for: message, using: key))
        #expect(!DigestSignature(bytes: signature).isValid(for: message + [0x20], using: key))
        // Uppercase hex is accepted by unhexlify.
        #expect(DigestSignature(bytes: try PythonCodecs.hexDecode(hex.uppercased())).isValid(for: message, using: key))
        // python-rsa reduces the signature modulo n: s + n (still 256 bytes when it fits) verifies.
        var sum = [UInt8](repeating: 0, count: signature.count)
        var carry = 0
        for i in stride(from: signature.count - 1, through: 0, by: -1) {
            let v = Int(signature[i]) + Int(key.modulus[i]) + carry
            sum[i] = UInt8(v & 0xFF)
            carry = v >> 8
        }
        if carry == 0 { #expect(DigestSignature(bytes: sum).isValid(for: message, using: key)) }
        // A signature of another length never verifies.
        #expect(!DigestSignature(bytes: [0] + signature).isValid(for: message, using: key))
        // SHA-1 PKCS#1 v1.5 signatures verify too (python-rsa reads the hash from the signature).
        let sha1 = try TestKeys.published.privateKey.signature(
            for: Insecure.SHA1.hash(data: message),
            padding: .insecurePKCS1v1_5
        )
        #expect(DigestSignature(bytes: Array(sha1.rawRepresentation)).isValid(for: message, using: key))
        // PSS does not.
        let pss = try TestKeys.published.privateKey.signature(for: SHA256.hash(data: message), padding: .PSS)
        #expect(!DigestSignature(bytes: Array(pss.rawRepresentation)).isValid(for: message, using: key))
    }

    @Test func badKeyValuesAndSignaturesGiveTheCLIMessages() async throws {
        let f = try await ChainFixture()
        let chain = try await f.chain(hours: 1, logsPerHour: 0)
        let digest = chain.digests[0]
        var spki = TestKeys.published.entry
        spki.value = TestKeys.published.privateKey.publicKey.derRepresentation.base64EncodedString()
        #expect(
            await f.run(verbose: false, keys: [spki]).standardError
                == f.digestLine(digest, "INVALID: Unable to load PKCS #1 key with fingerprint \(f.signer.fingerprint)")
                + "\n\n"
        )
        var badBase64 = TestKeys.published.entry
        badBase64.value = "QUJ"
        #expect(
            await f.run(verbose: false, keys: [badBase64]).standardError
                == f.digestLine(digest, "INVALID: Incorrect padding") + "\n\n"
        )
        let metadata = try await f.object(digest).info.metadata
        try await f.replace(
            digest,
            with: try await f.object(digest).body,
            metadata: ["signature": "abc", "signature-algorithm": metadata["signature-algorithm"]!]
        )
        #expect(
            await f.run(verbose: false).standardError == f.digestLine(digest, "INVALID: Odd-length string") + "\n\n"
        )
        try await f.replace(
            digest,
            with: try await f.object(digest).body,
            metadata: ["signature": "zz", "signature-algorithm": "x"]
        )
        #expect(
            await f.run(verbose: false).standardError == f.digestLine(digest, "INVALID: Non-hexadecimal digit found")
                + "\n\n"
        )
    }
}
