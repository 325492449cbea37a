resource "terraform_data" "broken" {
  input = "missing brace"
