terraform {
  required_providers {
    coder = {
      source = "coder/coder"
    }
  }
}

resource "coder_agent" "main" {
  count = 2
  os    = "linux"
  arch  = "amd64"
}

resource "terraform_data" "vm" {
  input = coder_agent.main[*].init_script
}
