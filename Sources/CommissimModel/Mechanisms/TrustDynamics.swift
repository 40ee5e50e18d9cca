/// Mechanism 6 — Trust, in both directions (MODEL.md §3.11): the asymmetric update, the monthly
/// signals (monitored quality, payment on time), one-off events and which of them spill, staff
/// turnover, and what trust changes elsewhere.
public enum TrustDynamics {
    /// One asymmetric trust update.
    @inline(__always)
    public static func update(_ trust: Float, signal: Double, rate: Double, lossMultiplier: Double) -> Float {
        let t = Double(trust)
        let r = signal >= t ? rate : min(1, rate * lossMultiplier)
        return Float(min(1, max(0, t + r * (signal - t))))
    }
}

/// Events that change a provider's trust in a council.
enum CouncilConduct {
    case feeCut, lateFee, termination, retenderedGoodIncumbent, renewal, sharedSavings
    var signal: Double {
        switch self {
        case .feeCut, .lateFee, .termination, .retenderedGoodIncumbent: return 0
        case .renewal, .sharedSavings: return 1
        }
    }
    /// Whether other providers the council reaches feel it too (MODEL.md §3.11): an early
    /// termination and the re-tendering of a trusted incumbent are public acts that tell every
    /// provider how the council treats its partners; a fee cut or a late payment is felt by each
    /// provider it touches, as its own event, and is not counted again for the others.
    var spills: Bool { self == .termination || self == .retenderedGoodIncumbent }
}

extension Market {
    /// Provider `i` experiences `event` from council `c`; breaches spill over to the region.
    func conduct(_ event: CouncilConduct, council c: Int, provider i: Int) {
        let ix = pair(i, c)
        providers.providerTrust[ix] = TrustDynamics.update(providers.providerTrust[ix], signal: event.signal,
                                                           rate: p.trustEventRate, lossMultiplier: p.trustLossMultiplier)
        guard event.spills, p.reputationSpill > 0 else { return }
        let spillRate = p.trustEventRate * p.reputationSpill
        for j in councils.reachable(councilTier(c, providers.tier[i])) where j != i {
            let jx = pair(j, c)
            providers.providerTrust[jx] = TrustDynamics.update(providers.providerTrust[jx], signal: 0, rate: spillRate,
                                                               lossMultiplier: p.trustLossMultiplier)
        }
    }

    /// Monthly trust updates: monitoring, payment conduct and staff turnover.
    func runTrust() {
        let nc = councils.count
        forEachContractInForce { k in
            let c = contracts[k].council, i = contracts[k].provider
            let ix = pair(i, c)
            // The council's monitoring: a noisy observation of quality.
            let noise = p.observationNoise * (p.referenceStaff / councils.staff[c]).squareRoot()
            let observed = min(1, max(0, providers.quality[i] + rng.gaussian(sd: noise)))
            providers.councilTrust[ix] = TrustDynamics.update(providers.councilTrust[ix], signal: observed,
                                                              rate: p.trustGain, lossMultiplier: p.trustLossMultiplier)
            // The council's conduct as the provider sees it: paying on time, or late under pressure.
            let late = councils.pressure[c] > 0 && rng.bernoulli(p.latePaymentProb * min(1, councils.pressure[c] * 5))
            if late {
                tally.latePayments += 1
                conduct(.lateFee, council: c, provider: i)
            } else {
                let rate = p.trustGain * codesignTrustFactor(k) * jointTenderTrustFactor(k)
                providers.providerTrust[ix] = TrustDynamics.update(providers.providerTrust[ix], signal: 1, rate: rate,
                                                                   lossMultiplier: p.trustLossMultiplier)
            }
        }
        // Staff turnover erodes personal trust (000: those who built it "are unlikely to still be in post").
        let initial = Float(p.trustInitial), erosion = Float(p.turnoverErosion)
        for c in 0..<nc where rng.bernoulli(p.staffTurnover) {
            for i in providers.trading {
                let ix = pair(i, c)
                providers.councilTrust[ix] += erosion * (initial - providers.councilTrust[ix])
            }
        }
        for i in providers.trading where providers.kind[i] != .inHouse && rng.bernoulli(p.staffTurnover) {
            for c in 0..<nc {
                let ix = pair(i, c)
                providers.providerTrust[ix] += erosion * (initial - providers.providerTrust[ix])
            }
        }
    }
}
