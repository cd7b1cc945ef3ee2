import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSchema, SCHEMA_FILE } from '../../scripts/gen-schema.js';

describe('JSON Schema: config/schedule.schema.json', () => {
  it('is what `npm run schema` generates from the valibot schema now', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(renderSchema());
  });

  it('describes the keys, formats and defaults editors can check', () => {
    const schema = JSON.parse(renderSchema());
    expect(schema.required).toEqual(['schedules', 'projects']);
    expect(schema.additionalProperties).toBe(false);
    const project = schema.properties.projects.items;
    expect(project.required).toEqual(['projectId', 'region']);
    // graphs: required (and not empty) unless the project selects graphs by scheduleTag.
    expect(project.if).toEqual({ not: { required: ['scheduleTag'] } });
    expect(project.then).toMatchObject({ required: ['graphs'], properties: { graphs: { minItems: 1 } } });
    expect(project.properties.projectId.pattern).toBe('^[0-9a-f]{32}$');
    expect(project.properties.apiVersion).toMatchObject({ enum: ['v1', 'v2'], default: 'v1' });
    const settings = schema.properties.settings.anyOf[0].properties;
    expect(settings.concurrency).toMatchObject({ type: 'integer', minimum: 1, maximum: 64, default: 8 });
  });
});
