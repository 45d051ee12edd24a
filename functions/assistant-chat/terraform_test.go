package assistantchat

import (
	"os"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/tfcheck"
)

// TestOnlyTheAssistantMayUseGenerativeAI evaluates terraform/ offline: the assistant alone has the
// genai need (its own dynamic group), and the one statement that grants Generative AI names that group.
func TestOnlyTheAssistantMayUseGenerativeAI(t *testing.T) {
	vals, err := tfcheck.EvalLocals("../../terraform", "function_needs", "genai_functions")
	if err != nil {
		t.Fatal(err)
	}
	for name, needs := range vals["function_needs"].AsValueMap() {
		has := false
		for _, n := range needs.AsValueSlice() {
			has = has || n.AsString() == "genai"
		}
		if has != (name == Name) {
			t.Errorf("function %s: genai need %v", name, has)
		}
	}
	if g := vals["genai_functions"].AsValueSlice(); len(g) != 1 || g[0].AsString() != Name {
		t.Errorf("genai_functions %v", g)
	}
	src, err := os.ReadFile("../../terraform/genai.tf")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(src), "generative-ai"); n != 1 ||
		!strings.Contains(string(src), `"Allow dynamic-group ${local.dynamic_groups.genai} to use generative-ai-family in compartment id ${local.genai_compartment}"`) {
		t.Errorf("genai.tf grants Generative AI %d times, or to another group", n)
	}
	for _, f := range []string{"iam.tf", "main.tf", "gateway.tf", "functions.tf"} {
		if b, _ := os.ReadFile("../../terraform/" + f); strings.Contains(string(b), "generative-ai") {
			t.Errorf("%s grants Generative AI outside genai.tf", f)
		}
	}
}
