# The machine lives in a local module: init has work to do (it links the module), and the agent
# attaches through the module's input variable.
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

module "vm" {
  source = "./vm"
  init   = coder_agent.main.init_script
}
