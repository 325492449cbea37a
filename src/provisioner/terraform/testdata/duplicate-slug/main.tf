terraform {
  required_providers {
    coder = {
      source = "coder/coder"
    }
  }
}

resource "coder_agent" "a" {
  os   = "linux"
  arch = "amd64"
}

resource "coder_agent" "b" {
  os   = "linux"
  arch = "amd64"
}

resource "coder_app" "a" {
  agent_id = coder_agent.a.id
  slug     = "web"
}

resource "coder_app" "b" {
  agent_id = coder_agent.b.id
  slug     = "web"
}

resource "terraform_data" "vm" {
  input = [coder_agent.a.init_script, coder_agent.b.init_script]
}
