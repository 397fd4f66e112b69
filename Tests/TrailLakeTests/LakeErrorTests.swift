import Testing
@testable import TrailLake

@Suite struct LakeErrorTests {
    @Test func everyCodeIsAnAWSExceptionName() {
        for code in LakeError.Code.allCases {
            #expect(code.rawValue.hasSuffix("Exception"), "\(code)")
            #expect(code.rawValue.first?.isUppercase == true)
        }
        #expect(Set(LakeError.Code.allCases.map(\.rawValue)).count == LakeError.Code.allCases.count)
    }
}
