/// Alliances: providers holding one contract jointly (MODEL.md §3.9a; 000 "Alliance
/// collaborations between independent organisations", 002 Plymouth's complex-needs alliance,
/// "share financial and delivery responsibility", "collaboration rather than competition").
///
/// Each member holds its share of the alliance's places as a contract of payment form
/// `alliance` (``Contracts/alliance`` names the alliance), so placement, payment and monitoring
/// treat a member as any contracted provider; the alliance itself keeps what members share: the
/// gain/pain pot on outcomes, and the members' trust in each other.
public struct Alliances: Sendable {
    public var count = 0
    public var council: [Int] = []
    public var tier: [Int] = []
    /// Member contracts (ids), in the order the members were ranked at the award.
    public var members: [[Int]] = []
    /// Gain (+) or pain (−) accrued on the outcomes of this year's leavers, £, settled each January.
    public var pot: [Double] = []
    /// The members' trust in each other (0–1).
    public var trust: [Double] = []
    /// Net settlements made so far, £.
    public var settled: [Double] = []

    mutating func append(council c: Int, tier k: Int, members m: [Int], trust t: Double) -> Int {
        council.append(c); tier.append(k); members.append(m); pot.append(0); trust.append(t)
        settled.append(0)
        count += 1
        return count - 1
    }
}
