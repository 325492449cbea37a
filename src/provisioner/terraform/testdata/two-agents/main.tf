# Agent association by the dependency graph: each agent goes to the closest managed, non-coder
# resource that depends on it; ties go to the smallest label.
terraform {
  required_providers {
    coder = {
      source = "coder/coder"
    }
  }
}

resource "coder_agent" "dev" {
  os   = "linux"
  arch = "amd64"
}

resource "coder_agent" "db" {
  os   = "linux"
  arch = "arm64"
}

locals {
  db_script = coder_agent.db.init_script
}

# Depends on dev directly (depth 0) and owns it.
resource "terraform_data" "vm" {
  input = coder_agent.dev.init_script
}

# Depends on dev only through vm: farther away.
resource "terraform_data" "disk" {
  input = terraform_data.vm.id
}

# Both depend on db through a local, at the same distance: the smaller label wins.
resource "terraform_data" "zeta" {
  input = local.db_script
}

resource "terraform_data" "alpha" {
  input = local.db_script
}

resource "coder_app" "web" {
  agent_id = coder_agent.db.id
  slug     = "web"
  url      = "http://localhost:8080"
}

# Nothing depends on this agent: it is dropped.
resource "coder_agent" "orphan" {
  os   = "linux"
  arch = "amd64"
}

resource "coder_metadata" "disk" {
  resource_id = terraform_data.disk.id
  hide        = true
  item {
    key   = "size"
    value = "10GB"
  }
}
