# matrix.md holds a table such as:
#
# |Task|Auth0|Subscriber|Notes|
# |---|---|---|---|
# |Monitoring|I|R, A|The subscriber monitors the installation.|
# |Backing Up|I (in the event that there are issues)|R, A - infrastructure engineer||
#
# for which parse_matrix returns, in table order:
#
# [
#   {
#     key         = "monitoring"
#     title       = "Monitoring"
#     category    = null
#     notes       = "The subscriber monitors the installation."
#     assignments = [
#       { party = "auth0", roles = ["I"], holder = null, when = null },
#       { party = "subscriber", roles = ["R", "A"], holder = null, when = null },
#     ]
#   },
#   {
#     key         = "backing-up"
#     title       = "Backing Up"
#     category    = null
#     notes       = null
#     assignments = [
#       { party = "auth0", roles = ["I"], holder = null, when = "in the event that there are issues" },
#       { party = "subscriber", roles = ["R", "A"], holder = "infrastructure engineer", when = null },
#     ]
#   },
# ]

# One row of the tenant's matrix per row of the table.
resource "raci_responsibility" "row" {
  for_each = { for r in provider::raci::parse_matrix(file("${path.module}/matrix.md")) : r.key => r }

  tenant      = "initech"
  key         = each.key
  title       = each.value.title
  category    = each.value.category
  notes       = each.value.notes
  assignments = each.value.assignments
}
