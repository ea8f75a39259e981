package importer

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/tfc-project/tfc/importer/onnxpb"
)

// readExternal reads the bytes of a tensor stored in a file beside the
// model (keys location, offset, length of external_data). The location must
// stay inside dir, also after resolving symbolic links, and offset/length
// must lie within the file; want is the byte count the tensor's shape needs.
func readExternal(tp *onnxpb.TensorProto, dir string, want int64) ([]byte, error) {
	if dir == "" {
		return nil, errors.New("external data is not allowed here (no model folder to read it from)")
	}
	var loc string
	offset, length := int64(0), int64(-1)
	for _, kv := range tp.GetExternalData() {
		var err error
		switch kv.GetKey() {
		case "location":
			loc = kv.GetValue()
		case "offset":
			offset, err = parseSize(kv.GetValue())
		case "length":
			length, err = parseSize(kv.GetValue())
		}
		if err != nil {
			return nil, fmt.Errorf("external data %s: %w", kv.GetKey(), err)
		}
	}
	path, err := externalPath(dir, loc)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("external data: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("external data: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("external data location %q is not a regular file", loc)
	}
	size := st.Size()
	if offset > size {
		return nil, fmt.Errorf("external data offset %d is beyond the end of %q (%d bytes)", offset, loc, size)
	}
	if length < 0 {
		length = size - offset
	}
	if length > size-offset {
		return nil, fmt.Errorf("external data offset %d + length %d is beyond the end of %q (%d bytes)", offset, length, loc, size)
	}
	if length != want {
		return nil, fmt.Errorf("external data in %q has %d bytes, the tensor's shape needs %d", loc, length, want)
	}
	buf := make([]byte, length)
	if _, err := f.ReadAt(buf, offset); err != nil && !(errors.Is(err, io.EOF) && length == 0) {
		return nil, fmt.Errorf("external data %q: %w", loc, err)
	}
	return buf, nil
}

func parseSize(s string) (int64, error) {
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, err
	}
	if v < 0 {
		return 0, fmt.Errorf("negative value %d", v)
	}
	return v, nil
}

// externalPath resolves an external data location against the model folder,
// refusing absolute paths and paths that leave the folder.
func externalPath(dir, loc string) (string, error) {
	if loc == "" {
		return "", errors.New("external data has no location")
	}
	rel := filepath.Clean(filepath.FromSlash(loc))
	if filepath.IsAbs(rel) || strings.HasPrefix(loc, "/") || filepath.VolumeName(rel) != "" {
		return "", fmt.Errorf("external data location %q is an absolute path", loc)
	}
	if rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("external data location %q leaves the model folder", loc)
	}
	path := filepath.Join(dir, rel)
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", fmt.Errorf("external data: %w", err)
	}
	realPath, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", fmt.Errorf("external data: %w", err)
	}
	if r, err := filepath.Rel(realDir, realPath); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("external data location %q leads out of the model folder through a symbolic link", loc)
	}
	return realPath, nil
}
