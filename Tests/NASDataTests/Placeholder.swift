import XCTest

final class NASDataTestsPlaceholder: XCTestCase {}
