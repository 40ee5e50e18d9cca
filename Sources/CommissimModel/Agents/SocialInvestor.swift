/// The optional social investor / outcomes funder (003: social outcomes partnerships).
///
/// It advances the deferred part of outcome-based contract payments to providers, so that they
/// need not carry the working capital, and is repaid from the outcome payments plus its
/// required return.
public struct SocialInvestor: Sendable {
    public var enabled = false
    /// Capital not currently advanced (£).
    public var available = 0.0
    /// Capital advanced and not yet repaid (£).
    public var outstanding = 0.0
    public var requiredReturn = 0.0
    /// Total repaid and total advanced so far, for the realised return.
    public var repaid = 0.0
    public var advanced = 0.0
}
