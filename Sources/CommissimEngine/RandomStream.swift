import CGSL
import Foundation

/// The GSL generator algorithms a scenario may name (`simulation.rng`).
public enum GeneratorKind: String, CaseIterable, Sendable {
    case mt19937, taus2, ranlxd1, ranlxs0, gfsr4

    /// The default: taus2, L'Ecuyer's maximally equidistributed combined Tausworthe generator
    /// (period about 2^88), which GSL lists among its fastest simulation-quality generators. An
    /// England-scale run draws about 20 million numbers; with mt19937 (selectable) it takes about
    /// a tenth longer, mostly the mispredicted branches of the Mersenne twister's refill.
    public static let standard = GeneratorKind.taus2

    /// GSL's name of the generator (as written into manifests).
    public var gslName: String { String(cString: gslType.pointee.name) }

    var gslType: UnsafePointer<gsl_rng_type> {
        switch self {
        case .mt19937: return commissim_rng_mt19937()
        case .taus2: return commissim_rng_taus2()
        case .ranlxd1: return commissim_rng_ranlxd1()
        case .ranlxs0: return commissim_rng_ranlxs0()
        case .gfsr4: return commissim_rng_gfsr4()
        }
    }
}

/// One independent stream of random numbers for one simulation run, backed by a GSL generator.
///
/// Every run owns exactly one stream, seeded from the scenario seed (see ``SeedDerivation``), so
/// a run's results never depend on which thread ran it or what ran beside it. A stream is not
/// thread-safe and is never shared between runs.
public final class RandomStream {
    @usableFromInline let rng: UnsafeMutablePointer<gsl_rng>
    /// The seed the generator was set with.
    public let seed: UInt64
    /// The generator kind.
    public let kind: GeneratorKind

    /// Creates a stream of the given GSL generator, seeded with `seed`.
    public init(seed: UInt64, kind: GeneratorKind = .standard) {
        guard let r = gsl_rng_alloc(kind.gslType) else { fatalError("gsl_rng_alloc failed: out of memory") }
        rng = r
        self.seed = seed
        self.kind = kind
        Self.seed(rng, kind: kind, with: seed)
    }

    /// Seeds `rng` from all 64 bits of `seed`. GSL's own seeding keeps 32 bits (taus2's and
    /// mt19937's take the seed modulo 2^32), so seeds 2^32 apart gave the same stream. taus2's
    /// state — three 32-bit words — is set from SplitMix64 draws of the seed instead, with GSL's
    /// constraints (s1 > 1, s2 > 7, s3 > 15) and its six warm-up draws: a distinct stream per
    /// 64-bit seed. The other generators get the seed folded to 32 bits (high bits count).
    static func seed(_ rng: UnsafeMutablePointer<gsl_rng>, kind: GeneratorKind, with seed: UInt64) {
        if kind == .taus2, gsl_rng_size(rng) == 3 * MemoryLayout<UInt>.size, let raw = gsl_rng_state(rng) {
            let state = raw.assumingMemoryBound(to: UInt.self)
            var x = seed
            func word() -> UInt {
                x = x &+ 0x9E37_79B9_7F4A_7C15
                return UInt(SeedDerivation.mix(x) & 0xFFFF_FFFF)
            }
            for (k, least) in [(0, UInt(2)), (1, 8), (2, 16)] {
                var w = word()
                if w < least { w += least }
                state[k] = w
            }
            for _ in 0..<6 { _ = gsl_rng_get(rng) }
            return
        }
        let folded = UInt32(truncatingIfNeeded: seed ^ (seed >> 32))
        gsl_rng_set(rng, UInt(folded == 0 ? 0x9E37_79B9 : folded))
    }

    /// A stream at the same point of the same sequence as `other`, from here on independent of it
    /// (GSL's `gsl_rng_clone`): a run continued from a copied market draws what the original would.
    public init(continuing other: RandomStream) {
        guard let r = gsl_rng_clone(other.rng) else { fatalError("gsl_rng_clone failed: out of memory") }
        rng = r
        seed = other.seed
        kind = other.kind
    }

    deinit { gsl_rng_free(rng) }

    /// GSL's name for the generator, as written into manifests.
    public var generatorName: String { String(cString: gsl_rng_name(rng)) }

    /// Uniform on [0, 1).
    @inlinable @inline(__always) public func uniform() -> Double { gsl_rng_uniform(rng) }
    /// Uniform on (0, 1).
    @inlinable @inline(__always) public func uniformPositive() -> Double { gsl_rng_uniform_pos(rng) }
    /// Uniform integer in 0..<n (n > 0).
    @inlinable @inline(__always) public func uniformInt(_ n: Int) -> Int {
        precondition(n > 0)
        return Int(gsl_rng_uniform_int(rng, UInt(n)))
    }
    /// True with probability `p`.
    @inlinable @inline(__always) public func bernoulli(_ p: Double) -> Bool { p > 0 && gsl_rng_uniform(rng) < p }
    /// Gaussian with mean 0 and standard deviation `sd`.
    @inlinable @inline(__always) public func gaussian(sd: Double) -> Double { sd > 0 ? gsl_ran_gaussian_ziggurat(rng, sd) : 0 }
    /// Poisson with mean `mu`.
    @inlinable public func poisson(_ mu: Double) -> Int { mu > 0 ? Int(gsl_ran_poisson(rng, mu)) : 0 }
    /// Number of trials up to and including the first success (≥ 1) of `law`: GSL's `gsl_ran_geometric` (⌊ln u / ln(1 − p)⌋ + 1, u from
    /// `gsl_rng_uniform_pos`) with ln(1 − p) taken once when the law was made, not on every draw;
    /// the same numbers as GSL's for the same stream (MODEL.md §2). Capped at `Int32.max`
    /// (GSL's conversion of a larger value to `unsigned` is undefined).
    @inlinable @inline(__always) public func geometric(_ law: Geometric) -> Int {
        if law.p >= 1 { return 1 }
        // p ≤ 0, or so small that 1 − p rounds to 1: no success within any run.
        guard law.logOneMinusP < 0 else { return Int(Int32.max) }
        let k = log(gsl_rng_uniform_pos(rng)) / law.logOneMinusP + 1
        return k < Double(Int32.max) ? Int(k) : Int(Int32.max)
    }
    /// Lognormal parameterised by the underlying normal's ζ and σ.
    public func lognormal(zeta: Double, sigma: Double) -> Double { gsl_ran_lognormal(rng, zeta, sigma) }
    /// Gamma with shape `a` and scale `b`.
    public func gamma(shape a: Double, scale b: Double) -> Double { gsl_ran_gamma(rng, a, b) }
    /// Beta(a, b).
    public func beta(_ a: Double, _ b: Double) -> Double { gsl_ran_beta(rng, a, b) }
    /// Flat (uniform) on [a, b).
    public func flat(_ a: Double, _ b: Double) -> Double { gsl_ran_flat(rng, a, b) }
}

/// The geometric distribution of trials up to the first success with probability `p`, with
/// ln(1 − p) computed once for all its draws (``RandomStream/geometric(_:)-(Geometric)``).
public struct Geometric: Sendable, BitwiseCopyable {
    public let p: Double
    @usableFromInline let logOneMinusP: Double
    /// A placeholder that is no law (`p` is NaN): never drawn from.
    public static let unset = Geometric(.nan)
    public init(_ p: Double) {
        self.p = p
        logOneMinusP = p > 0 && p < 1 ? log(1 - p) : 0 // as GSL computes it: log(1 - p), not log1p(-p)
    }
}
