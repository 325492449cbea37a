# Writes the environment Terraform's local-exec sees to a file the test reads.
terraform {
  required_providers {
    coder = {
      source = "coder/coder"
    }
  }
}

variable "env_file" {
  type = string
}

data "coder_parameter" "color" {
  name    = "color"
  default = "blue"
}

data "coder_workspace" "me" {}

resource "terraform_data" "env" {
  input = "${data.coder_workspace.me.name}-${data.coder_parameter.color.value}"
  provisioner "local-exec" {
    command = "env > '${var.env_file}'"
  }
}

output "seen" {
  value = terraform_data.env.output
}
