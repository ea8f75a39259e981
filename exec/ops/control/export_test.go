package control

// SetMaxIterations lowers the Loop iteration limit for a test and returns
// the function that restores it.
func SetMaxIterations(n int64) (restore func()) {
	old := maxIterations
	maxIterations = n
	return func() { maxIterations = old }
}
