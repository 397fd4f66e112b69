import Testing
@testable import TrailDelivery
