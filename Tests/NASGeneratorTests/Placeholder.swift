import XCTest

final class NASGeneratorTestsPlaceholder: XCTestCase {}
