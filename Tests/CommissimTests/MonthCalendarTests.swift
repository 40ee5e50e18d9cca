import CommissimEngine
import XCTest

/// The event calendar behind the month of care (ServiceDelivery.swift) and the fixed-point fee totals.
final class MonthCalendarTests: XCTestCase {
    /// Every event comes back in its own month, in the order scheduled, however far ahead it was
    /// put (beyond the ring's window too), and nothing comes back twice or early.
    func testEventsComeBackInTheirMonth() {
        var cal = MonthCalendar(start: 0, window: 8)
        var expected: [Int: [Int32]] = [:]
        var rng = SystemRandomNumberGenerator()
        var slot: Int32 = 0
        for month in 0..<200 {
            // A few events a month, from the next month to 40 months ahead (5 windows).
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                let due = month + Int.random(in: 0...40, using: &rng)
                cal.schedule(Int(slot), in: due)
                expected[due, default: []].append(slot)
                slot += 1
            }
            XCTAssertEqual(cal.scheduled(in: month), expected[month] ?? [], "month \(month) before taking")
            XCTAssertEqual(cal.take(month), expected[month] ?? [], "month \(month)")
            expected[month] = nil
        }
        XCTAssertEqual(cal.pending, expected.values.reduce(0) { $0 + $1.count })
        cal.schedule(1, in: Int(Int32.max))
        XCTAssertEqual(cal.pending, expected.values.reduce(0) { $0 + $1.count }, "never is not kept")
    }

    /// Fixed-point sums restore exactly what they held, and absurd amounts neither trap nor wrap a unit.
    func testFixedPointIsExact() {
        var total: Int64 = 0
        let fees = (0..<10_000).map { Double($0) * 1_234.567_89 + 0.1 }
        for f in fees { total += FixedPoint.units(f) }
        for f in fees.reversed() { total -= FixedPoint.units(f) }
        XCTAssertEqual(total, 0)
        XCTAssertEqual(FixedPoint.amount(FixedPoint.units(3_177.25)), 3_177.25)
        XCTAssertEqual(FixedPoint.units(.nan), 0)
        XCTAssertGreaterThan(FixedPoint.units(1e300), 0)
        XCTAssertLessThan(FixedPoint.units(-.infinity), 0)
    }
}
