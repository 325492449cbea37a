variable "init" {
  type = string
}

resource "terraform_data" "machine" {
  input = var.init
}
