// Regenerates wsdl/CustomerBillingService.wsdl from the contract description.
import { writeFileSync } from 'node:fs';
import { generateWsdl } from '../src/schema/wsdl.ts';

const target = new URL('../wsdl/CustomerBillingService.wsdl', import.meta.url);
writeFileSync(target, generateWsdl());
console.log(`wrote ${target.pathname}`);
