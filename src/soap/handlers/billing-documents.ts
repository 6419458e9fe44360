// GetBillingDocumentsInfo and GetBillingDocuments: request → service → response values.
import { getBillingDocuments, getBillingDocumentsInfo } from '../../services/billing-documents.ts';
import { list, str, type OperationHandler } from '../context.ts';
import type { DObject } from '../xml-decode.ts';

/** The longs of an ArrayOflong wrapper (nil items dropped); null for a nil or missing list. */
function longs(wrapper: unknown): string[] | null {
  if (wrapper === null || wrapper === undefined) return null;
  return (((wrapper as DObject).long as readonly (string | null)[] | undefined) ?? []).filter(
    (v): v is string => typeof v === 'string',
  );
}

export const getBillingDocumentsInfoHandler: OperationHandler = async (ctx, req) => {
  const infos = await getBillingDocumentsInfo(
    ctx.knex,
    ctx.principal,
    {
      accountIds: longs(req.AccountIds),
      startDate: req.StartDate instanceof Date ? req.StartDate : null,
      endDate: req.EndDate instanceof Date ? req.EndDate : null,
      returnInvoiceNumber: req.ReturnInvoiceNumber === true,
    },
    ctx.now,
  );
  return {
    BillingDocumentsInfo: {
      BillingDocumentInfo: infos.map((d) => ({
        AccountId: d.accountId,
        AccountName: null,
        AccountNumber: d.accountNumber,
        Amount: d.amount,
        CurrencyCode: d.currency,
        DocumentDate: d.documentDate,
        DocumentId: d.documentId,
        CustomerId: d.customerId,
        // EmitDefaultValue=false: CampaignId is left out, DocumentNumber too unless asked for.
        ...(d.documentNumber !== null ? { DocumentNumber: d.documentNumber } : {}),
      })),
    },
  };
};

export const getBillingDocumentsHandler: OperationHandler = async (ctx, req) => {
  const wrapper = req.BillingDocumentsInfo;
  const infos =
    wrapper === null || wrapper === undefined
      ? null
      : list((wrapper as DObject).BillingDocumentInfo).map((i) => ({
          customerId: typeof i.CustomerId === 'number' ? String(i.CustomerId) : null,
          documentId: str(i.DocumentId),
        }));
  const type = req.Type === 'Pdf' || req.Type === 'Xml' ? req.Type : null;
  const docs = await getBillingDocuments(ctx.knex, ctx.principal, { infos, type });
  return {
    BillingDocuments: {
      BillingDocument: docs.map((d) => ({
        Data: d.data.toString('base64'),
        Id: d.id,
        Type: d.type,
        Number: d.number,
      })),
    },
  };
};
