/// `outcome_payment` (MODEL.md §3.4): the contracts the council lets pay on outcomes (the payment
/// form of OutcomeBasedPayment.swift, MODEL.md §3.9). Evidence: 000 Fig. 1 "transfer of some risk
/// to the provider … requires up-front investment"; 003.
enum OutcomePayment: CostCuttingStrategy {
    static let name = "outcome_payment"
    static func paymentForm(_ form: PaymentForm, _ pol: ModelConfig.Policy) -> PaymentForm { .outcome }
}

extension Strategies {
    public static let outcomePayment = Strategies(OutcomePayment.self)
}
