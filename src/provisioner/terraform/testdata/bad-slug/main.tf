terraform {
  required_providers {
    coder = {
      source = "coder/coder"
    }
  }
}

resource "coder_agent" "main" {
  os   = "linux"
  arch = "amd64"
}

resource "coder_app" "bad" {
  agent_id = coder_agent.main.id
  slug     = "Bad_Slug"
  url      = "http://localhost:1"
}

resource "terraform_data" "vm" {
  input = coder_agent.main.init_script
}
