import XCTest

final class NASSearchTestsPlaceholder: XCTestCase {}
