package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/raci-dev/terraform-provider-raci/internal/format"
	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

var _ function.Function = (*parseMatrixFunction)(nil)

func newParseMatrixFunction() function.Function { return &parseMatrixFunction{} }

// parseMatrixFunction turns a Markdown matrix, as vendors publish them, into rows
// ready for a raci_responsibility with for_each. It needs no store, so it works
// before the provider is configured, and in configurations that only read a file.
type parseMatrixFunction struct{}

// parsedAssignmentType has the attributes of raci_responsibility's assignments, so
// that a parsed row's assignments can be assigned to the resource as they are.
var parsedAssignmentType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"party":  types.StringType,
	"roles":  types.ListType{ElemType: types.StringType},
	"holder": types.StringType,
	"when":   types.StringType,
}}

var parsedRowType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"key":            types.StringType,
	"title":          types.StringType,
	"category":       types.StringType,
	"notes":          types.StringType,
	"accountability": types.StringType,
	"optional":       types.BoolType,
	"when":           types.StringType,
	"position":       types.Int64Type,
	"assignments":    types.ListType{ElemType: parsedAssignmentType},
}}

func (f *parseMatrixFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "parse_matrix"
}

func (f *parseMatrixFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Read a RACI matrix from a Markdown table",
		MarkdownDescription: "Reads the first Markdown table that has a party column, such as a vendor's published " +
			"roles and responsibilities matrix, and returns its rows in table order, ready for `for_each` on " +
			"`raci_responsibility`: `{ for r in provider::raci::parse_matrix(file(\"matrix.md\")) : r.key => r }`.\n\n" +
			"The first column is the task: its text is the row's `title` and a slug of it the `key` " +
			"(\"Backing Up\" is `backing-up`). `[Optional]` at its start sets `optional`, and a trailing parenthesis " +
			"that states a condition on the whole duty sets `when`: one starting with \"if\", \"when\", \"whenever\", " +
			"\"unless\", \"where\", \"wherever\", \"in the event\", \"in case\", \"only if\" or \"only when\", or labelled " +
			"`when:`. So \"[Optional] User Migration (if required)\" is the optional task \"User Migration\" under the " +
			"condition \"if required\", while \"Command-Line Interface (CLI)\" stays a title. `position` is the row's place " +
			"in the table, from 1. A column headed `Notes` gives `notes`, as written, and one headed " +
			"`Category` gives `category`. Every other column is a party, named by a slug of its heading " +
			"(\"Auth0\" is `auth0`).\n\n" +
			"Each row's `accountability` is what its cells show, for `raci_responsibility.accountability`: " +
			"`unassigned` when no cell holds `A` (the document names nobody), `shared` when two or more parties " +
			"hold `A` without a condition, `single` otherwise. So a published table applies as it is written, and " +
			"`raci_matrix.violations` lists its shared and unassigned rows as open points.\n\n" +
			"A cell lists letters (`R`, `A`, `S`, `C`, `I`, `D`) separated by commas. A parenthesis after a " +
			"letter is a condition (`when`) when it reads as one, e.g. \"(in the event that there are issues)\", " +
			"\"(if ...)\", \"(only ...)\", and otherwise the `holder` inside the party, as is text after a dash: " +
			"`R, A - Auth0 Customer Success Engineer`. A condition applies to the letter it follows, so " +
			"`C, I (in the event that there are issues)` gives two assignments: `C` always, `I` under the " +
			"condition. A holder on letters without a condition applies to all of them. A parenthesis starting " +
			"with `when:` or `holder:` is that, whatever its words, and a backslash escapes punctuation, as in " +
			"the tables `raci_matrix` renders, which this function reads back row for row. An empty cell holds nothing.\n\n" +
			"Text around the table is ignored. A table the function cannot read (a row with more or fewer " +
			"cells than the header, a word that is not a letter, two rows with the same key, no party column, " +
			"no table) fails the function with an error naming the row and column.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "markdown",
				MarkdownDescription: "Markdown text holding the matrix, usually `file(\"matrix.md\")`.",
			},
		},
		Return: function.ListReturn{ElementType: parsedRowType},
	}
}

func (f *parseMatrixFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var markdown string
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &markdown))
	if resp.Error != nil {
		return
	}
	rows, err := format.ParseMarkdown(markdown)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, parseErrorText(err))
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, parsedRowsValue(rows)))
}

// parseErrorText puts each problem on a line of its own, row and column first, so
// that a table with several bad cells reads as a list to fix.
func parseErrorText(err error) string {
	problems := raci.ErrorProblems(err)
	if len(problems) == 0 {
		return errorText(err)
	}
	lines := make([]string, len(problems))
	for i, p := range problems {
		if p.Field != "" {
			lines[i] = p.Field + ": " + p.Detail
		} else {
			lines[i] = p.Detail
		}
	}
	return "The Markdown matrix cannot be read.\n" + strings.Join(lines, "\n")
}

// parsedRowsValue maps parsed rows to the function's result. Letters come in the
// order R, A, S, C, I, D; an absent category, holder, condition or note is null, as the
// resource's optional attributes expect.
func parsedRowsValue(rows []format.ParsedRow) types.List {
	elems := make([]attr.Value, len(rows))
	for i, r := range rows {
		assignments := make([]attr.Value, len(r.Assignments))
		for j, a := range r.Assignments {
			roles := make([]attr.Value, len(a.Roles))
			for k, l := range raci.SortRoles(a.Roles) {
				roles[k] = types.StringValue(string(l))
			}
			assignments[j] = types.ObjectValueMust(parsedAssignmentType.AttrTypes, map[string]attr.Value{
				"party":  types.StringValue(a.Party),
				"roles":  types.ListValueMust(types.StringType, roles),
				"holder": optionalString(a.Holder),
				"when":   optionalString(a.When),
			})
		}
		elems[i] = types.ObjectValueMust(parsedRowType.AttrTypes, map[string]attr.Value{
			"key":            types.StringValue(r.Key),
			"title":          types.StringValue(r.Title),
			"category":       optionalString(r.Category),
			"notes":          optionalString(r.Notes),
			"accountability": types.StringValue(string(r.Accountability)),
			"optional":       types.BoolValue(r.Optional),
			"when":           optionalString(r.When),
			"position":       types.Int64Value(int64(r.Position)),
			"assignments":    types.ListValueMust(parsedAssignmentType, assignments),
		})
	}
	return types.ListValueMust(parsedRowType, elems)
}
