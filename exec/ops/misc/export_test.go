package misc

// Names the external tests use.
const (
	MLDomain       = mlDomain
	TrainingDomain = trainingDomain
	// The TreeEnsemble node modes "x <= split" and "x in the set".
	TreeModeLeq      = leq
	TreeModeMemberOf = memberOf
)
