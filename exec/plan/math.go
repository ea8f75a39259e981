package plan

func registerMath() {}
