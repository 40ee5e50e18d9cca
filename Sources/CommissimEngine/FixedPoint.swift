/// Money in exact fixed-point units (2^-20 of a pound, about a millionth), for running totals
/// that are added to and taken from for years: integer sums never drift, so a total that should
/// be zero is zero, and taking off what was put on restores the total bit for bit.
///
/// Amounts beyond ±2^33 pounds (about 8.6 billion) a unit are clamped there and the sums wrap
/// rather than trap: only inputs far outside every documented range reach that, and they get
/// meaningless totals, never a crash.
public enum FixedPoint {
    /// Units per pound.
    public static let scale = 1_048_576.0
    private static let limit = 9_007_199_254_740_992.0 // 2^53 units

    /// `amount` in units, rounded to the nearest (the same amount gives the same units every
    /// time; NaN gives 0).
    @inline(__always) public static func units(_ amount: Double) -> Int64 {
        let x = (amount * scale).rounded()
        guard x.magnitude < limit else { return x.isNaN ? 0 : Int64(x > 0 ? limit : -limit) }
        return Int64(x)
    }

    /// `units` in pounds.
    @inline(__always) public static func amount(_ units: Int64) -> Double { Double(units) / scale }
}
