package plan

// registerMath adds the destination-passing kernels of the k_*.go files.
func registerMath() {
	registerGemm()
	registerNorm()
	registerElementwise()
	registerMovement()
	registerFill()
	registerConv()
}
