/** Template version parameter rows → the wire type the parameter rules work on. */
import type { ParameterType, TemplateVersionParameter } from '../sdk/templates.js';
import type { TemplateVersionParameterRow } from '../database/models.js';

export function toTemplateVersionParameter(p: TemplateVersionParameterRow): TemplateVersionParameter {
  return {
    name: p.name,
    display_name: p.display_name,
    description: p.description,
    type: p.type as ParameterType,
    mutable: p.mutable,
    default_value: p.default_value,
    icon: p.icon,
    options: p.options,
    validation_error: p.validation_error,
    validation_regex: p.validation_regex,
    validation_min: p.validation_min ?? undefined,
    validation_max: p.validation_max ?? undefined,
    validation_monotonic: p.validation_monotonic,
    required: p.required,
    ephemeral: p.ephemeral,
    order: p.display_order,
  };
}
