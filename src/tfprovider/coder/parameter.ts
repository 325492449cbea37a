/** `data.coder_parameter`: a value the workspace owner chooses, passed in by the provisioner. */
import { randomUUID } from 'node:crypto';
import { isObject, isWhollyKnown, type ObjectValue, type Value } from '../cty/value.js';
import type { Diagnostics } from '../framework/diagnostics.js';
import type { DataSourceDef } from '../framework/provider.js';
import { computed, optional, required } from './attrs.js';
import { parameterEnv, previousParameterEnv } from './env.js';
import { checkParameterValue, type ParameterRules } from './parameter-rules.js';
import type { CoderMeta } from './provider-config.js';
import { oneOf } from './validators.js';

const formTypes = [
  '',
  'radio',
  'slider',
  'input',
  'dropdown',
  'checkbox',
  'switch',
  'multi-select',
  'tag-select',
  'textarea',
  'error',
];

const num = (v: Value) => (typeof v === 'number' ? v : undefined);
const str = (v: Value) => (typeof v === 'string' ? v : undefined);

function rulesOf(config: ObjectValue): ParameterRules {
  const options = (Array.isArray(config.option) ? config.option : []).filter(isObject);
  const validation =
    Array.isArray(config.validation) && isObject(config.validation[0]) ? config.validation[0] : {};
  return {
    name: String(config.name),
    type: str(config.type ?? null) ?? 'string',
    options: options.map((o) => String(o.value)),
    min: num(validation.min ?? null),
    max: num(validation.max ?? null),
    monotonic: str(validation.monotonic ?? null),
    regex: str(validation.regex ?? null),
    error: str(validation.error ?? null),
  };
}

function checkConfig(config: ObjectValue, diags: Diagnostics): void {
  const type = str(config.type ?? null) ?? 'string';
  const options = (Array.isArray(config.option) ? config.option : []).filter(isObject);
  for (const field of ['name', 'value'] as const) {
    const seen = new Set<string>();
    options.forEach((o, i) => {
      const v = str(o[field] ?? null);
      if (v === undefined) return;
      if (seen.has(v))
        diags.error(
          'Duplicate option',
          `Option ${field}s must be unique; ${JSON.stringify(v)} appears twice.`,
          ['option', i, field],
        );
      seen.add(v);
    });
  }
  if (type === 'bool' && options.length > 0 && config.form_type === null) {
    // Coder allows it, but only with explicit radio/dropdown; nothing to check here.
  }
  const v =
    Array.isArray(config.validation) && isObject(config.validation[0]) ? config.validation[0] : undefined;
  if (v) {
    const at = (name: string) => ['validation', 0, name];
    if (type !== 'number') {
      for (const k of ['min', 'max', 'monotonic'] as const) {
        if (v[k] !== null && v[k] !== undefined)
          diags.error('Invalid validation', `"${k}" only applies to number parameters.`, at(k));
      }
    }
    if (v.regex !== null && v.regex !== undefined && type !== 'string') {
      diags.error('Invalid validation', '"regex" only applies to string parameters.', at('regex'));
    }
    if (typeof v.regex === 'string') {
      try {
        new RegExp(v.regex);
      } catch (err) {
        diags.error(
          'Invalid validation',
          `The regex does not compile: ${(err as Error).message}.`,
          at('regex'),
        );
      }
      if (v.error === null || v.error === undefined)
        diags.error('Invalid validation', 'A "regex" needs an "error" message.', at('error'));
    }
    if (typeof v.min === 'number' && typeof v.max === 'number' && v.min > v.max) {
      diags.error('Invalid validation', `"min" (${v.min}) is greater than "max" (${v.max}).`, at('min'));
    }
  }
  if (config.ephemeral === true) {
    if (config.mutable !== true)
      diags.error('Invalid parameter', 'An ephemeral parameter must be mutable.', ['ephemeral']);
    if (config.default === null)
      diags.error('Invalid parameter', 'An ephemeral parameter needs a default.', ['default']);
  }
  if (isWhollyKnown(config as Value) && typeof config.default === 'string' && !diags.hasErrors) {
    const rules = rulesOf(config);
    options.forEach((o, i) => {
      if (typeof o.value === 'string' && type !== 'list(string)')
        checkParameterValue({ ...rules, options: [] }, o.value, diags, ['option', i, 'value']);
    });
    checkParameterValue(rules, config.default, diags, ['default']);
  }
}

export const parameterDataSource: DataSourceDef<CoderMeta> = {
  schema: {
    version: 0,
    block: {
      description: 'A parameter the workspace owner sets when creating or updating the workspace.',
      attributes: {
        id: computed('string', 'A random ID.'),
        name: required('string', 'Name of the parameter; its value is passed in by this name.'),
        display_name: optional('string', 'Name shown in the dashboard.'),
        description: optional('string', 'Markdown description.'),
        type: optional('string', 'Type of the value.', {
          default: 'string',
          validate: [oneOf('string', 'number', 'bool', 'list(string)')],
        }),
        form_type: optional('string', 'Input control in the dashboard.', {
          computed: true,
          validate: [oneOf(...formTypes)],
        }),
        styling: optional('string', 'JSON styling hints for the control.'),
        mutable: optional('bool', 'Can change after the workspace is created.', { default: false }),
        ephemeral: optional('bool', 'Applies to one build only; needs mutable and a default.', {
          default: false,
        }),
        default: optional('string', 'Value when none is given; makes the parameter optional.'),
        icon: optional('string', 'Icon URL or path.'),
        order: optional('number', 'Position in the dashboard.'),
        value: computed('string', 'The value to use in the template.'),
        optional: computed('bool', 'Whether the parameter has a default.'),
      },
      blocks: {
        option: {
          nesting: 'list',
          maxItems: 64,
          block: {
            attributes: {
              name: required('string', 'Label of the option.'),
              description: optional('string', 'Description of the option.'),
              value: required('string', 'Value of the option.'),
              icon: optional('string', 'Icon URL or path.'),
            },
          },
        },
        validation: {
          nesting: 'list',
          maxItems: 1,
          block: {
            attributes: {
              min: optional('number', 'Smallest allowed number.'),
              max: optional('number', 'Largest allowed number.'),
              monotonic: optional(
                'string',
                'Number must not decrease ("increasing") or increase ("decreasing") between builds.',
                {
                  validate: [oneOf('increasing', 'decreasing')],
                },
              ),
              regex: optional('string', 'Pattern a string must match.'),
              error: optional(
                'string',
                'Message when validation fails; {min}, {max} and {value} are replaced.',
              ),
              min_disabled: computed('bool', 'Whether min is unset.'),
              max_disabled: computed('bool', 'Whether max is unset.'),
            },
          },
        },
      },
    },
  },

  validate: checkConfig,

  read(config, { env, diags }) {
    const rules = rulesOf(config);
    const given = env[parameterEnv(rules.name)];
    const value = given ?? str(config.default ?? null) ?? '';
    if (given !== undefined) {
      checkParameterValue(rules, value, diags, ['value'], env[previousParameterEnv(rules.name)]);
    }
    const options = Array.isArray(config.option) ? config.option : [];
    const formType =
      str(config.form_type ?? null) ??
      (options.length > 0
        ? 'radio'
        : rules.type === 'bool'
          ? 'checkbox'
          : rules.type === 'list(string)'
            ? 'tag-select'
            : 'input');
    const validation = (Array.isArray(config.validation) ? config.validation : [])
      .filter(isObject)
      .map((v) => ({
        ...v,
        min_disabled: v.min === null,
        max_disabled: v.max === null,
      }));
    return {
      ...config,
      id: randomUUID(),
      form_type: formType,
      value,
      optional: config.default !== null,
      validation,
    };
  },
};
