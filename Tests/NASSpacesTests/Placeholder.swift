import XCTest

final class NASSpacesTestsPlaceholder: XCTestCase {}
