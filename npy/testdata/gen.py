# Regenerates the NumPy-written fixtures read by npy_test.go:
#   cd npy/testdata && python3 gen.py
# (tested with NumPy 1.24). Each file holds a small array whose values the
# Go test states independently.
import numpy as np

def save(name, arr, version=None):
    with open(name, "wb") as f:
        np.lib.format.write_array(f, arr, version=version)

save("f4.npy", np.arange(6, dtype="<f4").reshape(2, 3))
save("f8_scalar.npy", np.array(3.5, dtype="<f8"))
save("f2.npy", np.array([0.5, -2, 65504, np.inf], dtype="<f2"))
save("i1.npy", np.array([-128, 0, 127], dtype="i1"))
save("i2.npy", np.array([-32768, 1, 32767], dtype="<i2"))
save("i8.npy", np.array([[-(2**63), 2**63 - 1]], dtype="<i8"))
save("u1.npy", np.array([0, 255], dtype="u1"))
save("u2.npy", np.array([65535], dtype="<u2"))
save("u4.npy", np.array([4294967295], dtype="<u4"))
save("u8.npy", np.array([2**64 - 1], dtype="<u8"))
save("b1.npy", np.array([True, False, True], dtype="?"))
save("c8.npy", np.array([1 + 2j], dtype="<c8"))
save("c16.npy", np.array([-1.5 - 0.25j], dtype="<c16"))
save("empty.npy", np.zeros((0, 3), dtype="<f4"))
save("be_i4.npy", np.array([[1, -2], [3, 4]], dtype=">i4"))
save("be_f8.npy", np.array([1.25, -3.0], dtype=">f8"))
save("fortran_f8.npy", np.asfortranarray(np.arange(24, dtype="<f8").reshape(2, 3, 4)))
save("v2_f4.npy", np.array([1, 2], dtype="<f4"), version=(2, 0))
save("v3_f4.npy", np.array([1, 2], dtype="<f4"), version=(3, 0))
