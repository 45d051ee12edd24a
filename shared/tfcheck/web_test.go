package tfcheck

import (
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestWebObjectsCoverWebFiles evaluates terraform/web.tf's locals: every file of web/ but the browser
// tests is an object, the pages the routes name exist, and every extension has a content type (a new
// kind of file would otherwise be served as application/octet-stream and refused as a module).
func TestWebObjectsCoverWebFiles(t *testing.T) {
	root := repoRoot(t)
	vals, err := EvalLocals(filepath.Join(root, "terraform"), "web_files", "web_content_types")
	if err != nil {
		t.Fatal(err)
	}
	var objects []string
	for k := range vals["web_files"].AsValueMap() {
		objects = append(objects, k)
	}
	sort.Strings(objects)
	var want []string
	err = filepath.WalkDir(filepath.Join(root, "web"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(filepath.Join(root, "web"), p)
		if rel = filepath.ToSlash(rel); !strings.HasPrefix(rel, "test/") {
			want = append(want, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(want)
	if strings.Join(objects, "\n") != strings.Join(want, "\n") {
		t.Errorf("web objects:\n%s\nwant the files of web/ but web/test:\n%s", strings.Join(objects, "\n"), strings.Join(want, "\n"))
	}
	types := vals["web_content_types"].AsValueMap()
	for _, f := range objects {
		if _, ok := types[strings.TrimPrefix(path.Ext(f), ".")]; !ok {
			t.Errorf("web/%s: no content type for its extension in local.web_content_types", f)
		}
	}
	for _, page := range []string{"index.html", "store/index.html", "console/index.html", "link.html", "link-deep.html"} {
		if _, ok := vals["web_files"].AsValueMap()[page]; !ok {
			t.Errorf("web/%s, named by a route in web.tf, is not an object", page)
		}
	}
}
