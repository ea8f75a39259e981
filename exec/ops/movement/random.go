package movement

// mt19937 is the Mersenne Twister generator (Matsumoto and Nishimura,
// 1998). Dropout draws from it so that a seeded dropout agrees with numpy's
// RandomState, which the ONNX reference implementation uses.
type mt19937 struct {
	state [624]uint32
	pos   int
}

// newMT19937 seeds a generator the way init_genrand (and numpy's
// RandomState(seed)) does.
func newMT19937(seed uint32) *mt19937 {
	m := &mt19937{pos: len(mt19937{}.state)}
	m.state[0] = seed
	for i := 1; i < len(m.state); i++ {
		prev := m.state[i-1]
		m.state[i] = 1812433253*(prev^(prev>>30)) + uint32(i)
	}
	return m
}

// uint32 returns the next 32 random bits.
func (m *mt19937) uint32() uint32 {
	const n, k = 624, 397
	if m.pos >= n {
		for i := range n {
			y := m.state[i]&0x80000000 | m.state[(i+1)%n]&0x7fffffff
			v := m.state[(i+k)%n] ^ y>>1
			if y&1 != 0 {
				v ^= 0x9908b0df
			}
			m.state[i] = v
		}
		m.pos = 0
	}
	y := m.state[m.pos]
	m.pos++
	y ^= y >> 11
	y ^= y << 7 & 0x9d2c5680
	y ^= y << 15 & 0xefc60000
	return y ^ y>>18
}

// float64 returns a uniform value in [0, 1) with 53 random bits, built from
// two draws as genrand_res53 does.
func (m *mt19937) float64() float64 {
	a, b := m.uint32()>>5, m.uint32()>>6
	return (float64(a)*67108864 + float64(b)) / 9007199254740992
}
