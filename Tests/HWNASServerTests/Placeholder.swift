import XCTest

final class HWNASServerTestsPlaceholder: XCTestCase {}
