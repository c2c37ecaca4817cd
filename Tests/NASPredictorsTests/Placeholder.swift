import XCTest

final class NASPredictorsTestsPlaceholder: XCTestCase {}
