// Peer (b) of the SearchCoupons benchmark: bare node-soap serving the official WSDL, answering SearchCoupons with
// the same 100 coupons from memory. Usage: node --import tsx bench/peers/node-soap.ts <port> <wsdl> <coupons.json>
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import * as soap from 'soap';

const [port, wsdlPath, couponsFile] = process.argv.slice(2);
const coupons = JSON.parse(readFileSync(couponsFile!, 'utf8')) as unknown[];
const service = {
  CustomerBillingService: {
    BasicHttpBinding_ICustomerBillingService: {
      SearchCoupons: () => ({ Coupons: { Coupon: coupons } }),
    },
  },
};
const server = createServer((_req, res) => {
  res.statusCode = 404;
  res.end();
});
server.listen(Number(port), '127.0.0.1', () => {
  soap.listen(server, '/Api/Billing/v13/CustomerBillingService.svc', service, readFileSync(wsdlPath!, 'utf8'), () =>
    process.stdout.write('ready\n'),
  );
});
