package cuda

import (
	"fmt"
	"runtime"
)

// Device describes one CUDA device.
type Device struct {
	// Ordinal is the device's index for the driver.
	Ordinal int
	// Name is the product name, e.g. "NVIDIA H200".
	Name string
	// Major and Minor are the compute capability.
	Major, Minor int
	// Memory is the device memory in bytes.
	Memory uint64
	// SMs is the number of multiprocessors.
	SMs int
}

// Arch is the NVRTC virtual architecture of the device, e.g. "compute_90".
func (d Device) Arch() string { return fmt.Sprintf("compute_%d%d", d.Major, d.Minor) }

// Driver attribute numbers (CUdevice_attribute).
const (
	attrSMCount = 16
	attrCCMajor = 75
	attrCCMinor = 76
)

// Available returns nil when the CUDA libraries load and there is at
// least one device, and otherwise an error matching ErrNoCUDA that says
// what is missing.
func Available() error {
	_, err := load()
	return err
}

// Devices lists the CUDA devices; the error matches ErrNoCUDA when CUDA
// cannot be used.
func Devices() ([]Device, error) {
	a, err := load()
	if err != nil {
		return nil, err
	}
	var n int32
	if err := a.check("cuDeviceGetCount", a.cuDeviceGetCount(&n)); err != nil {
		return nil, err
	}
	devs := make([]Device, 0, n)
	for i := range int(n) {
		d, err := a.device(i)
		if err != nil {
			return nil, err
		}
		devs = append(devs, d)
	}
	return devs, nil
}

// device describes the device of the given ordinal.
func (a *api) device(ordinal int) (Device, error) {
	var dev int32
	if err := a.check("cuDeviceGet", a.cuDeviceGet(&dev, int32(ordinal))); err != nil {
		return Device{}, err
	}
	name := make([]byte, 256)
	var major, minor, sms int32
	var mem uint64
	for _, c := range []struct {
		fn   string
		code int32
	}{
		{"cuDeviceGetName", a.cuDeviceGetName(&name[0], int32(len(name)), dev)},
		{"cuDeviceGetAttribute(major)", a.cuDeviceGetAttribute(&major, attrCCMajor, dev)},
		{"cuDeviceGetAttribute(minor)", a.cuDeviceGetAttribute(&minor, attrCCMinor, dev)},
		{"cuDeviceGetAttribute(SMs)", a.cuDeviceGetAttribute(&sms, attrSMCount, dev)},
		{"cuDeviceTotalMem", a.cuDeviceTotalMem(&mem, dev)},
	} {
		if err := a.check(c.fn, c.code); err != nil {
			return Device{}, err
		}
	}
	return Device{Ordinal: ordinal, Name: cString(&name[0]), Major: int(major), Minor: int(minor), Memory: mem, SMs: int(sms)}, nil
}

// context is a device's primary context. The driver keeps the current
// context per OS thread, so every use runs between enter and leave, which
// lock the goroutine to its thread and make the context current there.
type context struct {
	a   *api
	dev Device
	ctx uintptr
}

// newContext retains the primary context of the device of the given ordinal.
func newContext(ordinal int) (*context, error) {
	a, err := load()
	if err != nil {
		return nil, err
	}
	d, err := a.device(ordinal)
	if err != nil {
		return nil, err
	}
	c := &context{a: a, dev: d}
	if err := a.check("cuDevicePrimaryCtxRetain", a.cuDevicePrimaryCtxRetain(&c.ctx, int32(ordinal))); err != nil {
		return nil, err
	}
	return c, nil
}

// enter locks the calling goroutine to its thread and makes c current.
func (c *context) enter() error {
	runtime.LockOSThread()
	if err := c.a.check("cuCtxSetCurrent", c.a.cuCtxSetCurrent(c.ctx)); err != nil {
		runtime.UnlockOSThread()
		return err
	}
	return nil
}

// leave undoes enter.
func (c *context) leave() { runtime.UnlockOSThread() }

// release drops the retained primary context.
func (c *context) release() error {
	return c.a.check("cuDevicePrimaryCtxRelease", c.a.cuDevicePrimaryCtxRelease(int32(c.dev.Ordinal)))
}
