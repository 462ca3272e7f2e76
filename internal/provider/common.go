package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// serviceFrom returns the store handed over by the provider's Configure, or nil when
// the provider is not configured yet (Terraform calls Configure on resources early,
// during validation, with no provider data).
func serviceFrom(handedOver any, diags *diag.Diagnostics) raci.Service {
	if handedOver == nil {
		return nil
	}
	data, ok := handedOver.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report this issue.", handedOver))
		return nil
	}
	return data.svc
}

// configureResource is the Configure of every resource.
func configureResource(req resource.ConfigureRequest, resp *resource.ConfigureResponse) raci.Service {
	return serviceFrom(req.ProviderData, &resp.Diagnostics)
}

// slugValidators check names and keys at plan time with the domain's own rule.
func slugValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(1, raci.MaxSlugLength),
		stringvalidator.RegexMatches(regexp.MustCompile(`^[a-z0-9]([a-z0-9_-]*[a-z0-9])?$`), "must be "+raci.SlugRule),
	}
}

// textValidators refuse an empty string in an optional text attribute: the server
// stores "" and null alike, so an explicit "" would never match what is read back.
// They also hold the text to the domain's characters: one line, without control
// characters.
func textValidators(maxLength int) []validator.String {
	return []validator.String{stringvalidator.LengthBetween(1, maxLength), textCharacters{}}
}

// linesValidators are textValidators for text of several lines (descriptions,
// notes, evidence, waiver reasons), where tab and line feed are allowed.
func linesValidators(maxLength int) []validator.String {
	return []validator.String{stringvalidator.LengthBetween(1, maxLength), textCharacters{lines: true}}
}

// textCharacters refuses at plan time the text the server would refuse: text that
// is not UTF-8 or holds a control character (tab and line feed only in text of
// several lines).
type textCharacters struct{ lines bool }

var _ validator.String = textCharacters{}

func (v textCharacters) Description(context.Context) string {
	if v.lines {
		return "must hold no control characters but tab and line feed"
	}
	return "must be one line without control characters"
}

func (v textCharacters) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v textCharacters) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := raci.TextProblem(req.Path.String(), req.ConfigValue.ValueString(), v.lines); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Text", problem)
	}
}

// optionalString maps the server's "" to null, the value of an omitted attribute.
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// stringSet maps a set of strings from the server; the result is never null, since
// the attributes that hold it default to the empty set.
func stringSet(values []string) types.Set {
	elems := make([]attr.Value, len(values))
	for i, v := range values {
		elems[i] = types.StringValue(v)
	}
	return types.SetValueMust(types.StringType, elems)
}

// setStrings reads a set of strings from a plan or state; null and unknown read as
// empty.
func setStrings(ctx context.Context, s types.Set, diags *diag.Diagnostics) []string {
	if s.IsNull() || s.IsUnknown() {
		return []string{}
	}
	out := []string{}
	diags.Append(s.ElementsAs(ctx, &out, false)...)
	return out
}

// splitImportID parses an import id made of want parts joined by "/", e.g.
// "initech/backing-up", and reports a diagnostic naming the expected format.
func splitImportID(id string, format string, example string, diags *diag.Diagnostics) []string {
	want := strings.Count(format, "/") + 1
	parts := strings.Split(id, "/")
	ok := len(parts) == want
	for _, p := range parts {
		ok = ok && raci.ValidSlug(p)
	}
	if !ok {
		diags.AddError("Invalid Import ID",
			fmt.Sprintf("The import id %q is not valid: expected %s, e.g. %q, where each part is %s.", id, format, example, raci.SlugRule))
		return nil
	}
	return parts
}

// addServiceError turns an error from the store into diagnostics. what names the
// object for people ("responsibility initech/backing-up"); action says what was
// being done ("create").
func addServiceError(diags *diag.Diagnostics, action, what string, err error) {
	switch raci.ErrorCode(err) {
	case raci.EINVALID:
		problems := raci.ErrorProblems(err)
		if len(problems) == 0 {
			diags.AddError("Invalid "+titleCase(what), fmt.Sprintf("The server refused to %s %s: %s", action, what, raci.ErrorMessage(err)))
		}
		for _, p := range problems {
			diags.AddError("Invalid "+titleCase(what), fmt.Sprintf("The server refused to %s %s: %s", action, what, p.Detail))
		}
	case raci.EPRECONDITION:
		if action == "create" {
			diags.AddError("Already Exists", fmt.Sprintf("Cannot create %s: %s", what, raci.ErrorMessage(err)))
			return
		}
		diags.AddError("Changed Since Plan", fmt.Sprintf("Cannot %s %s: it changed on the server after Terraform read it (%s) "+
			"Run terraform plan again to see the change, then apply.", action, what, raci.ErrorMessage(err)))
	case raci.EUNAUTHORIZED:
		diags.AddError("RACI Server Refused the Token", fmt.Sprintf("Cannot %s %s: %s Check the provider's token (or %s).", action, what, raci.ErrorMessage(err), envToken))
	default:
		diags.AddError("RACI Request Failed", fmt.Sprintf("Cannot %s %s: %s", action, what, errorText(err)))
	}
}

// errorText is the message of an application error, or the error itself for the
// others: the provider runs on the user's machine, so transport errors (connection
// refused) are worth showing in full.
func errorText(err error) string {
	if raci.ErrorCode(err) != raci.EINTERNAL {
		return raci.ErrorMessage(err)
	}
	return err.Error()
}

func titleCase(what string) string {
	word, _, _ := strings.Cut(what, " ")
	if word == "" {
		return word
	}
	return strings.ToUpper(word[:1]) + word[1:]
}

// attributeErrors adds each problem as an error on the attribute it concerns.
func attributeErrors(diags *diag.Diagnostics, at path.Path, summary string, problems []raci.Problem) {
	for _, p := range problems {
		diags.AddAttributeError(at, summary, p.Detail)
	}
}
