import Testing
@testable import ObjectStorage
