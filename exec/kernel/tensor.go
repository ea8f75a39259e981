package kernel

import (
	"reflect"

	"github.com/tfc-project/tfc/ir"
)

// Take returns a tensor of t's dtype and the given shape whose elements are
// t's flat elements src[0], src[1], ... (exact for every dtype).
func Take(t *ir.Tensor, shape []int64, src []int) (*ir.Tensor, error) {
	out, err := ir.NewTensor(t.DType, shape)
	if err != nil {
		return nil, err
	}
	from, to := reflect.ValueOf(t.Data), reflect.ValueOf(out.Data)
	for i, s := range src {
		to.Index(i).Set(from.Index(s))
	}
	return out, nil
}
