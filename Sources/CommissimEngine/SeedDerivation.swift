/// Derives independent per-run seeds from a study or scenario seed.
///
/// A run's stream is a pure function of (scenario seed, run key), never of the thread that ran it:
/// `derive(seed, [point, replication])` gives the same value on every machine and thread count.
/// SplitMix64 is used as the mixing function (Steele, Lea & Flood 2014).
public enum SeedDerivation {
    /// One SplitMix64 step: a well-mixed 64-bit function of `x`.
    @inline(__always) public static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The seed for the run identified by `keys` (for example `[point, replication]`) under `base`.
    public static func derive(_ base: UInt64, _ keys: [UInt64]) -> UInt64 {
        var h = mix(base)
        for k in keys { h = mix(h ^ mix(k &+ 0x632B_E59B_D9B4_E019)) }
        return h
    }

    /// The largest seed a scenario, the command line or an output carries: 2^53 − 1, so every
    /// seed is a TOML integer, a JSON number and a Python float without loss.
    public static let maxSeed: UInt64 = (1 << 53) - 1

    /// The seed of replication `r` under `base`: the one derivation of the CLI (`sweep`,
    /// `compare`) and the tests. It is cut to 53 bits, so the seed written in runs.csv and the
    /// manifest is accepted by `run --seed` and reproduces that run exactly.
    public static func replicationSeed(_ base: UInt64, _ r: Int) -> UInt64 {
        derive(base, [UInt64(r)]) >> 11
    }
}
