package misc

import (
	"bytes"
	"image"
	"image/color"
	_ "image/jpeg" // registers the JPEG decoder with image.Decode
	_ "image/png"  // registers the PNG decoder with image.Decode

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// imageDecoder decodes a PNG or JPEG byte stream (the formats Go's
// standard library reads) into an [H, W, C] uint8 tensor of RGB, BGR or
// Grayscale pixels.
func imageDecoder(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	data, ok := in[0].Data.([]uint8)
	if !ok || in[0].DType != ir.Uint8 {
		return nil, ctx.Errorf("encoded_stream must be uint8, got %v", in[0].DType)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, ctx.Errorf("decoding image (tfc reads PNG and JPEG only): %v", err)
	}
	format := ctx.Node.AttrString("pixel_format", "RGB")
	channels := map[string]int{"RGB": 3, "BGR": 3, "Grayscale": 1}[format]
	if channels == 0 {
		return nil, ctx.Errorf("unknown pixel_format %q", format)
	}
	b := img.Bounds()
	out, err := ir.NewTensor(ir.Uint8, []int64{int64(b.Dy()), int64(b.Dx()), int64(channels)})
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	px := out.Data.([]uint8)
	i := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.At(x, y)
			if channels == 1 {
				px[i] = color.GrayModel.Convert(c).(color.Gray).Y
				i++
				continue
			}
			rgb := color.NRGBAModel.Convert(c).(color.NRGBA)
			if format == "BGR" {
				rgb.R, rgb.B = rgb.B, rgb.R
			}
			px[i], px[i+1], px[i+2] = rgb.R, rgb.G, rgb.B
			i += 3
		}
	}
	return out, nil
}
