import XCTest

final class NASCoreTestsPlaceholder: XCTestCase {}
