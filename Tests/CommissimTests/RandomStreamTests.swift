import CGSL
@testable import CommissimEngine
import XCTest

/// The hoisted geometric draw (MODEL.md §2) is GSL's own: same stream, same numbers.
final class RandomStreamTests: XCTestCase {
    func testGeometricLawDrawsWhatGSLDraws() {
        for p in [1e-6, 0.003, 1.0 / 30, 0.2, 0.5, 0.97, 1 - 1e-12] {
            let ours = RandomStream(seed: 99), theirs = RandomStream(seed: 99)
            let law = Geometric(p)
            for _ in 0..<20_000 {
                XCTAssertEqual(ours.geometric(law), Int(gsl_ran_geometric(theirs.rng, p)), "p = \(p)")
            }
        }
    }

    func testGeometricEdgeLaws() {
        let rng = RandomStream(seed: 1)
        XCTAssertEqual(rng.geometric(Geometric(1)), 1)
        XCTAssertEqual(rng.geometric(Geometric(2)), 1)
        XCTAssertEqual(rng.geometric(Geometric(0)), Int(Int32.max))
        XCTAssertEqual(rng.geometric(Geometric(-1)), Int(Int32.max))
        XCTAssertTrue(Geometric.unset.p.isNaN)
        // A hazard so small that 1 − p rounds to 1: never, without a draw.
        for _ in 0..<1_000 { XCTAssertEqual(rng.geometric(Geometric(1e-300)), Int(Int32.max)) }
        // Draws past Int32.max (mean 10^12 here) are capped there, never wrapped or trapped.
        let draws = (0..<1_000).map { _ in rng.geometric(Geometric(1e-12)) }
        XCTAssertTrue(draws.allSatisfy { $0 >= 1 && $0 <= Int(Int32.max) })
        XCTAssertGreaterThan(draws.filter { $0 == Int(Int32.max) }.count, 990) // P(k < 2^31) ≈ 0.2%
    }
}
