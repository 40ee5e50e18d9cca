import CommissimEngine
@testable import CommissimIO
@testable import CommissimModel
import Foundation
import XCTest

/// The model's vocabulary is declared once (``NamedCase`` enums): every case parses from its
/// scenario name back to itself, is documented, and appears in the outputs. Nothing here lists a
/// case by hand, so a new strategy, kind, tier, payment form or council type is checked as soon
/// as it is declared.
final class VocabularyTests: XCTestCase {
    private let parameters = try! String(contentsOf: Support.root.appendingPathComponent("docs/PARAMETERS.md"), encoding: .utf8)
    private let columns = try! String(contentsOf: Support.root.appendingPathComponent("docs/COLUMNS.md"), encoding: .utf8)
    private let model = try! String(contentsOf: Support.root.appendingPathComponent("docs/MODEL.md"), encoding: .utf8)

    private func config(_ text: String) throws -> ModelConfig { ModelConfig(try Support.scenario(text: text)) }

    func testInlineCountsHoldOneValuePerTier() {
        XCTAssertLessThanOrEqual(Tier.allCases.count, InlineCounts<Int>.capacity, "counts per tier are kept inline (InlineCounts)")
        var c = InlineCounts<Double>.perTier(0)
        for k in 0..<Tier.allCases.count { c[k] = Double(k) + 0.5 }
        XCTAssertEqual(c.elements, (0..<Tier.allCases.count).map { Double($0) + 0.5 })
    }

    func testNamesAreUniqueAndStrategyBitsDistinct() {
        for names in [Strategy.names, ProviderKind.names, Tier.names, PaymentForm.names, CouncilType.names, Reach.names] {
            XCTAssertEqual(Set(names).count, names.count, "\(names)")
        }
        let bits = Strategy.allCases.map { Strategies($0).rawValue }
        XCTAssertEqual(Set(bits).count, bits.count)
        XCTAssertEqual(Strategies(names: Strategy.names).rawValue, bits.reduce(0, |))
    }

    func testEveryStrategyParsesToItselfAndIsDocumented() throws {
        for s in Strategy.allCases {
            let c = try config("[policy]\nstrategies = [\"\(s.name)\"]\n")
            XCTAssertFalse(c.councils.isEmpty)
            for g in c.councils { XCTAssertEqual(g.policy.strategies, Strategies(s), s.name) }
            XCTAssertTrue(parameters.contains(s.name), "\(s.name) missing from docs/PARAMETERS.md")
            XCTAssertTrue(model.contains("`\(s.name)`"), "\(s.name) missing from docs/MODEL.md")
        }
    }

    func testEveryPaymentFormAndCouncilTypeParsesToItself() throws {
        for p in PaymentForm.allCases {
            let c = try config("[policy]\npayment = \"\(p.name)\"\n")
            for g in c.councils { XCTAssertEqual(g.policy.payment, p, p.name) }
            XCTAssertTrue(parameters.contains(p.name))
        }
        for t in CouncilType.allCases {
            let c = try config("[[councils]]\nname = \"x\"\ntype = \"\(t.name)\"\n")
            XCTAssertEqual(c.councils.map(\.type), [t.rawValue], t.name)
            XCTAssertTrue(parameters.contains(t.name))
        }
        for r in Reach.allCases {
            let c = try config("[[providers]]\nname = \"x\"\nreach = \"\(r.name)\"\n")
            XCTAssertEqual(c.providers.map(\.reach), [r.rawValue], r.name)
        }
    }

    func testEveryProviderKindParsesToItselfAndHasItsColumns() throws {
        let names = Set(MetricColumns.names)
        for k in ProviderKind.independent {
            let c = try config("[[providers]]\nname = \"x\"\nkind = \"\(k.name)\"\n")
            XCTAssertEqual(c.providers.map(\.kind), [k], k.name)
            for prefix in ["n_", "share_", "entries_", "exits_", "reserves_", "capital_"] {
                XCTAssertTrue(names.contains(prefix + k.name), "column \(prefix)\(k.name)")
                XCTAssertTrue(columns.contains("`\(prefix)\(k.name)`"), "\(prefix)\(k.name) missing from docs/COLUMNS.md")
            }
        }
        XCTAssertThrowsError(try config("[[providers]]\nname = \"x\"\nkind = \"\(ProviderKind.inHouse.name)\"\n"),
                             "in-house services are the councils' own (councils.in_house_*), not a provider group")
    }

    func testEveryTierHasItsParametersAndColumns() {
        let paths = Set(ParameterCatalog.all.map(\.path))
        for t in Tier.allCases {
            for p in ["councils.in_house_", "providers.share_", "demand.share_"] {
                XCTAssertTrue(paths.contains(p + t.name), p + t.name)
            }
            XCTAssertTrue(MetricColumns.names.contains { $0.hasSuffix("_" + t.name) }, "a column for \(t.name)")
        }
    }

    /// Every parameter is read through its own declaration: each spec binds the field it fills
    /// (so no second table of key names exists to drift), and a changed value reaches the model.
    func testEveryParameterIsBoundToTheFieldItFills() throws {
        for spec in ParameterCatalog.all {
            if case .none = spec.binding { XCTFail("\(spec.path) is read by nothing") }
        }
        let c = try config("[market]\nspot_premium = 0.4\n[demand]\nduration_fostering = 44\n[burn_in]\nlot_size = 9\n[policy]\nsqueeze_rate = 0.11\n[[providers]]\nname = \"p\"\nscale_up = 0.7\nshare_residential = 0.9\n")
        let p = MarketParameters(c)
        XCTAssertEqual(p.spotPremium, 0.4)
        XCTAssertEqual(p.duration[Tier.fostering.rawValue], 44)
        XCTAssertEqual(c.burnIn.lotSize, 9)
        for g in c.councils { XCTAssertEqual(g.policy.squeezeRate, 0.11) }
        XCTAssertEqual(c.providers.map(\.scaleUp), [0.7])
        XCTAssertEqual(c.providers.map { $0.tierShares[Tier.residential.rawValue] }, [0.9])
    }

    /// Every file MODEL.md names ("where the code lives", as a path from the repository or from
    /// a module's folder, e.g. `Mechanisms/Placement.swift`) exists.
    func testEveryFileModelMdNamesExists() throws {
        let fm = FileManager.default
        let files = (fm.enumerator(atPath: Support.root.path)?.compactMap { $0 as? String } ?? [])
            .filter { !$0.hasPrefix(".build") && !$0.hasPrefix(".venv") && $0.hasSuffix(".swift") }
        let pattern = try NSRegularExpression(pattern: "`([A-Za-z0-9_./-]+\\.swift)`")
        let matches = pattern.matches(in: model, range: NSRange(model.startIndex..., in: model))
        XCTAssertGreaterThan(matches.count, 15)
        for m in matches {
            let path = String(model[Range(m.range(at: 1), in: model)!])
            XCTAssertTrue(files.contains { $0 == path || $0.hasSuffix("/" + path) }, "MODEL.md names \(path), which does not exist")
        }
    }
}
