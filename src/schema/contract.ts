// The Customer Billing v13 contract as data: every schema, type, element and operation of the service, in
// document order. The WSDL is generated from this (src/schema/wsdl.ts) and the XML reader and writer are driven
// by it (src/soap/), so the contract and the code cannot drift apart. Names, namespaces, types, element order and
// nillability are those of the public v13 contract; test/unit/wsdl-contract.test.ts proves it structurally.
import { complexType, element, field, simpleType, attribute, type SchemaDef, type OperationDef } from './model.ts';

export const schemas: readonly SchemaDef[] = [
  {
    ns: 'tns',
    imports: ['arr', 'ent', 'exc'],
    items: [
      element('GetBillingDocumentsInfoRequest', {
        fields: [
          field('AccountIds', 'arr:ArrayOflong', 'nillable'),
          field('StartDate', 'xs:dateTime'),
          field('EndDate', 'xs:dateTime', 'nillable'),
          field('ReturnInvoiceNumber', 'xs:boolean', 'nillable'),
        ],
      }),
      element('ApplicationToken', { type: 'xs:string', nillable: true }),
      element('AuthenticationToken', { type: 'xs:string', nillable: true }),
      element('DeveloperToken', { type: 'xs:string', nillable: true }),
      element('Password', { type: 'xs:string', nillable: true }),
      element('UserName', { type: 'xs:string', nillable: true }),
      element('GetBillingDocumentsInfoResponse', {
        fields: [field('BillingDocumentsInfo', 'ent:ArrayOfBillingDocumentInfo', 'nillable')],
      }),
      element('TrackingId', { type: 'xs:string', nillable: true }),
      element('ApiBatchFault', { type: 'exc:ApiBatchFault', nillable: true }),
      element('ApiFault', { type: 'exc:ApiFault', nillable: true }),
      element('GetBillingDocumentsRequest', {
        fields: [
          field('BillingDocumentsInfo', 'ent:ArrayOfBillingDocumentInfo', 'nillable'),
          field('Type', 'ent:DataType'),
        ],
      }),
      element('GetBillingDocumentsResponse', {
        fields: [field('BillingDocuments', 'ent:ArrayOfBillingDocument', 'nillable')],
      }),
      element('AddInsertionOrderRequest', { fields: [field('InsertionOrder', 'ent:InsertionOrder', 'nillable')] }),
      element('AddInsertionOrderResponse', {
        fields: [field('InsertionOrderId', 'xs:long'), field('CreateTime', 'xs:dateTime')],
      }),
      element('UpdateInsertionOrderRequest', { fields: [field('InsertionOrder', 'ent:InsertionOrder', 'nillable')] }),
      element('UpdateInsertionOrderResponse', { fields: [field('LastModifiedTime', 'xs:dateTime')] }),
      element('SearchInsertionOrdersRequest', {
        fields: [
          field('Predicates', 'ent:ArrayOfPredicate', 'nillable'),
          field('Ordering', 'ent:ArrayOfOrderBy', 'nillable'),
          field('PageInfo', 'ent:Paging', 'nillable'),
          field('ReturnAdditionalFields', 'ent:InsertionOrderAdditionalField', 'nillable'),
        ],
      }),
      element('SearchInsertionOrdersResponse', {
        fields: [field('InsertionOrders', 'ent:ArrayOfInsertionOrder', 'nillable')],
      }),
      element('GetAccountMonthlySpendRequest', {
        // getaccountmonthlyspend.md: "2020-05-15T00:00:00 and 2020-05 are both valid and will return the same results".
        fields: [field('AccountId', 'xs:long'), field('MonthYear', 'xs:dateTime', 'acceptsYearMonth')],
      }),
      element('GetAccountMonthlySpendResponse', { fields: [field('Amount', 'xs:double')] }),
      element('DispatchCouponsRequest', {
        fields: [
          field('SendToEmails', 'arr:ArrayOfstring', 'nillable'),
          field('CustomerId', 'xs:long'),
          field('CouponClassName', 'xs:string', 'nillable'),
        ],
      }),
      element('DispatchCouponsResponse', { fields: [field('PartialErrors', 'exc:ArrayOfBatchError', 'nillable')] }),
      element('RedeemCouponRequest', {
        fields: [field('AccountId', 'xs:long'), field('CouponCode', 'xs:string', 'nillable')],
      }),
      element('RedeemCouponResponse', { fields: [field('RedemptionDate', 'xs:dateTime')] }),
      element('SearchCouponsRequest', {
        fields: [
          field('Predicates', 'ent:ArrayOfPredicate', 'nillable'),
          field('Ordering', 'ent:ArrayOfOrderBy', 'nillable'),
          field('PageInfo', 'ent:Paging', 'nillable'),
          field('ReturnAdditionalFields', 'ent:AccountAdditionalField', 'nillable'),
        ],
      }),
      element('SearchCouponsResponse', { fields: [field('Coupons', 'ent:ArrayOfCoupon', 'nillable')] }),
      element('CheckFeatureAdoptionCouponEligibilityRequest', {
        fields: [field('FeatureId', 'xs:int'), field('AccountIds', 'arr:ArrayOflong', 'nillable')],
      }),
      element('CheckFeatureAdoptionCouponEligibilityResponse', {
        fields: [field('EligibleAccountIds', 'arr:ArrayOflong', 'nillable')],
      }),
      element('ClaimFeatureAdoptionCouponsRequest', {
        fields: [field('AccountCouponPairs', 'ent:ArrayOfKeyValueEntityOflongstring', 'nillable')],
      }),
      element('ClaimFeatureAdoptionCouponsResponse', {
        fields: [
          field('ClaimedDateByAccountId', 'ent:ArrayOfKeyValueEntityOflongdateTime', 'nillable'),
          field('OperationErrors', 'exc:ArrayOfOperationError', 'nillable'),
          field('PartialErrors', 'exc:ArrayOfArrayOfOperationError', 'nillable'),
        ],
      }),
      element('GetCouponInfoRequest', { fields: [field('CustomerId', 'xs:long')] }),
      element('GetCouponInfoResponse', { fields: [field('CouponInfoData', 'ent:ArrayOfCouponInfoData', 'nillable')] }),
      element('DistributeCouponsRequest', {
        fields: [
          field('AccountIds', 'arr:ArrayOfint', 'nillable'),
          field('ClassName', 'xs:string', 'nillable'),
          field('FeatureId', 'xs:int', 'nillable'),
          field('SendNotification', 'xs:boolean'),
        ],
      }),
      element('DistributeCouponsResponse', {
        fields: [
          field('OperationErrors', 'exc:ArrayOfOperationError', 'nillable'),
          field('PartialErrors', 'exc:ArrayOfArrayOfOperationError', 'nillable'),
        ],
      }),
      element('GetBillingGroupsRequest', { fields: [field('CustomerId', 'xs:long')] }),
      element('GetBillingGroupsResponse', { fields: [field('BillingGroups', 'ent:ArrayOfBillingGroup', 'nillable')] }),
      element('GetUngroupedAccountsRequest', { fields: [field('CustomerId', 'xs:long')] }),
      element('GetUngroupedAccountsResponse', {
        fields: [field('UngroupedAccounts', 'ent:ArrayOfUngroupedAccount', 'nillable')],
      }),
      element('UpdateBillingGroupAccountsRequest', {
        fields: [
          field('CustomerId', 'xs:long'),
          field('BillingGroupId', 'xs:long'),
          field('AccountsToAdd', 'arr:ArrayOflong', 'nillable'),
        ],
      }),
      element('UpdateBillingGroupAccountsResponse', {
        fields: [field('PartialErrors', 'exc:ArrayOfArrayOfOperationError', 'nillable')],
      }),
    ],
  },
  {
    ns: 'ser',
    attributeFormQualified: true,
    imports: [],
    items: [
      element('anyType', { type: 'xs:anyType', nillable: true }),
      element('anyURI', { type: 'xs:anyURI', nillable: true }),
      element('base64Binary', { type: 'xs:base64Binary', nillable: true }),
      element('boolean', { type: 'xs:boolean', nillable: true }),
      element('byte', { type: 'xs:byte', nillable: true }),
      element('dateTime', { type: 'xs:dateTime', nillable: true }),
      element('decimal', { type: 'xs:decimal', nillable: true }),
      element('double', { type: 'xs:double', nillable: true }),
      element('float', { type: 'xs:float', nillable: true }),
      element('int', { type: 'xs:int', nillable: true }),
      element('long', { type: 'xs:long', nillable: true }),
      element('QName', { type: 'xs:QName', nillable: true }),
      element('short', { type: 'xs:short', nillable: true }),
      element('string', { type: 'xs:string', nillable: true }),
      element('unsignedByte', { type: 'xs:unsignedByte', nillable: true }),
      element('unsignedInt', { type: 'xs:unsignedInt', nillable: true }),
      element('unsignedLong', { type: 'xs:unsignedLong', nillable: true }),
      element('unsignedShort', { type: 'xs:unsignedShort', nillable: true }),
      element('char', { type: 'ser:char', nillable: true }),
      simpleType('char', { base: 'xs:int' }),
      element('duration', { type: 'ser:duration', nillable: true }),
      simpleType('duration', {
        base: 'xs:duration',
        pattern: '\\-?P(\\d*D)?(T(\\d*H)?(\\d*M)?(\\d*(\\.\\d*)?S)?)?',
        minInclusive: '-P10675199DT2H48M5.4775808S',
        maxInclusive: 'P10675199DT2H48M5.4775807S',
      }),
      element('guid', { type: 'ser:guid', nillable: true }),
      simpleType('guid', {
        base: 'xs:string',
        pattern: '[\\da-fA-F]{8}-[\\da-fA-F]{4}-[\\da-fA-F]{4}-[\\da-fA-F]{4}-[\\da-fA-F]{12}',
      }),
      attribute('FactoryType', 'xs:QName'),
      attribute('Id', 'xs:ID'),
      attribute('Ref', 'xs:IDREF'),
    ],
  },
  {
    ns: 'arr',
    imports: [],
    items: [
      complexType('ArrayOflong', { fields: [field('long', 'xs:long', 'many')] }),
      element('ArrayOflong', { type: 'arr:ArrayOflong', nillable: true }),
      complexType('ArrayOfstring', { fields: [field('string', 'xs:string', 'many', 'nillable')] }),
      element('ArrayOfstring', { type: 'arr:ArrayOfstring', nillable: true }),
      complexType('ArrayOfint', { fields: [field('int', 'xs:int', 'many')] }),
      element('ArrayOfint', { type: 'arr:ArrayOfint', nillable: true }),
    ],
  },
  {
    ns: 'ent',
    imports: ['ser'],
    items: [
      complexType('ArrayOfBillingDocumentInfo', {
        fields: [field('BillingDocumentInfo', 'ent:BillingDocumentInfo', 'many', 'nillable')],
      }),
      element('ArrayOfBillingDocumentInfo', { type: 'ent:ArrayOfBillingDocumentInfo', nillable: true }),
      complexType('BillingDocumentInfo', {
        fields: [
          field('AccountId', 'xs:long'),
          field('AccountName', 'xs:string', 'nillable'),
          field('AccountNumber', 'xs:string', 'nillable'),
          field('Amount', 'xs:double'),
          field('CurrencyCode', 'xs:string', 'nillable'),
          field('DocumentDate', 'xs:dateTime', 'nillable'),
          field('DocumentId', 'xs:long', 'nillable'),
          field('CustomerId', 'xs:int', 'nillable'),
          field('CampaignId', 'xs:long', 'nillable', 'noEmitDefault'),
          field('DocumentNumber', 'xs:string', 'nillable', 'noEmitDefault'),
        ],
      }),
      element('BillingDocumentInfo', { type: 'ent:BillingDocumentInfo', nillable: true }),
      simpleType('DataType', {
        base: 'xs:string',
        enums: [
          ['Xml', 1],
          ['Pdf', 2],
        ],
      }),
      element('DataType', { type: 'ent:DataType', nillable: true }),
      complexType('ArrayOfBillingDocument', {
        fields: [field('BillingDocument', 'ent:BillingDocument', 'many', 'nillable')],
      }),
      element('ArrayOfBillingDocument', { type: 'ent:ArrayOfBillingDocument', nillable: true }),
      complexType('BillingDocument', {
        fields: [
          field('Data', 'xs:base64Binary', 'nillable'),
          field('Id', 'xs:long'),
          field('Type', 'ent:DataType'),
          field('Number', 'xs:string', 'nillable', 'noEmitDefault'),
        ],
      }),
      element('BillingDocument', { type: 'ent:BillingDocument', nillable: true }),
      complexType('InsertionOrder', {
        fields: [
          field('AccountId', 'xs:long'),
          field('BookingCountryCode', 'xs:string', 'nillable'),
          field('Comment', 'xs:string', 'nillable'),
          field('EndDate', 'xs:dateTime', 'nillable'),
          field('Id', 'xs:long', 'nillable'),
          field('LastModifiedByUserId', 'xs:long', 'nillable'),
          field('LastModifiedTime', 'xs:dateTime', 'nillable'),
          field('NotificationThreshold', 'xs:double', 'nillable'),
          field('ReferenceId', 'xs:long', 'nillable'),
          field('SpendCapAmount', 'xs:double', 'nillable'),
          field('StartDate', 'xs:dateTime', 'nillable'),
          field('Name', 'xs:string', 'nillable'),
          field('Status', 'ent:InsertionOrderStatus', 'nillable'),
          field('PurchaseOrder', 'xs:string', 'nillable'),
          field('PendingChanges', 'ent:InsertionOrderPendingChanges', 'nillable'),
          field('AccountNumber', 'xs:string', 'nillable'),
          field('BudgetRemaining', 'xs:double', 'nillable'),
          field('BudgetSpent', 'xs:double', 'nillable'),
          field('BudgetRemainingPercent', 'xs:double', 'nillable'),
          field('BudgetSpentPercent', 'xs:double', 'nillable'),
          field('SeriesName', 'xs:string', 'nillable'),
          field('IsInSeries', 'xs:boolean', 'nillable'),
          field('SeriesFrequencyType', 'xs:string', 'nillable'),
          field('IsUnlimited', 'xs:boolean', 'nillable', 'noEmitDefault'),
          field('IsEndless', 'xs:boolean', 'nillable', 'noEmitDefault'),
        ],
      }),
      element('InsertionOrder', { type: 'ent:InsertionOrder', nillable: true }),
      simpleType('InsertionOrderStatus', {
        base: 'xs:string',
        enums: [
          ['PendingUserReview', 1],
          ['Active', 2],
          ['Declined', 3],
          ['Expired', 4],
          ['Canceled', 5],
          ['NotStarted', 6],
          ['Exhausted', 7],
          ['Queued', 11],
        ],
      }),
      element('InsertionOrderStatus', { type: 'ent:InsertionOrderStatus', nillable: true }),
      complexType('InsertionOrderPendingChanges', {
        fields: [
          field('Comment', 'xs:string', 'nillable'),
          field('EndDate', 'xs:dateTime', 'nillable'),
          field('RequestedByUserId', 'xs:int', 'nillable'),
          field('ModifiedDateTime', 'xs:dateTime', 'nillable'),
          field('NotificationThreshold', 'xs:double', 'nillable'),
          field('ReferenceId', 'xs:long', 'nillable'),
          field('SpendCapAmount', 'xs:double', 'nillable'),
          field('StartDate', 'xs:dateTime', 'nillable'),
          field('Name', 'xs:string', 'nillable'),
          field('PurchaseOrder', 'xs:string', 'nillable'),
          field('ChangeStatus', 'ent:InsertionOrderPendingChangesStatus', 'nillable'),
        ],
      }),
      element('InsertionOrderPendingChanges', { type: 'ent:InsertionOrderPendingChanges', nillable: true }),
      simpleType('InsertionOrderPendingChangesStatus', {
        base: 'xs:string',
        enums: [
          ['PendingUserReview', 1],
          ['ApproveChanges', 2],
          ['DeclineChanges', 3],
          ['CancelChanges', 4],
        ],
      }),
      element('InsertionOrderPendingChangesStatus', { type: 'ent:InsertionOrderPendingChangesStatus', nillable: true }),
      complexType('ArrayOfPredicate', { fields: [field('Predicate', 'ent:Predicate', 'many', 'nillable')] }),
      element('ArrayOfPredicate', { type: 'ent:ArrayOfPredicate', nillable: true }),
      complexType('Predicate', {
        fields: [
          field('Field', 'xs:string', 'nillable'),
          field('Operator', 'ent:PredicateOperator'),
          field('Value', 'xs:string', 'nillable'),
        ],
      }),
      element('Predicate', { type: 'ent:Predicate', nillable: true }),
      simpleType('PredicateOperator', {
        base: 'xs:string',
        enums: [
          'Equals',
          'NotEquals',
          'Contains',
          'In',
          'GreaterThanEquals',
          'LessThanEquals',
          'StartsWith',
          'NotContains',
        ],
      }),
      element('PredicateOperator', { type: 'ent:PredicateOperator', nillable: true }),
      complexType('ArrayOfOrderBy', { fields: [field('OrderBy', 'ent:OrderBy', 'many', 'nillable')] }),
      element('ArrayOfOrderBy', { type: 'ent:ArrayOfOrderBy', nillable: true }),
      complexType('OrderBy', { fields: [field('Field', 'ent:OrderByField'), field('Order', 'ent:SortOrder')] }),
      element('OrderBy', { type: 'ent:OrderBy', nillable: true }),
      simpleType('OrderByField', {
        base: 'xs:string',
        enums: ['Id', 'Name', 'Number', 'LifeCycleStatus', 'CouponClassName', 'CouponStartDate'],
      }),
      element('OrderByField', { type: 'ent:OrderByField', nillable: true }),
      simpleType('SortOrder', { base: 'xs:string', enums: ['Ascending', 'Descending'] }),
      element('SortOrder', { type: 'ent:SortOrder', nillable: true }),
      complexType('Paging', { fields: [field('Index', 'xs:int'), field('Size', 'xs:int')] }),
      element('Paging', { type: 'ent:Paging', nillable: true }),
      simpleType('InsertionOrderAdditionalField', {
        base: 'xs:string',
        list: true,
        enums: [
          ['None', 0],
          ['UnlimitedAndEndlessFlags', 1],
        ],
      }),
      element('InsertionOrderAdditionalField', { type: 'ent:InsertionOrderAdditionalField', nillable: true }),
      complexType('ArrayOfInsertionOrder', {
        fields: [field('InsertionOrder', 'ent:InsertionOrder', 'many', 'nillable')],
      }),
      element('ArrayOfInsertionOrder', { type: 'ent:ArrayOfInsertionOrder', nillable: true }),
      simpleType('AccountAdditionalField', {
        base: 'xs:string',
        list: true,
        enums: ['TaxCertificate', 'AccountMode', 'CouponClaimInfo'],
      }),
      element('AccountAdditionalField', { type: 'ent:AccountAdditionalField', nillable: true }),
      complexType('ArrayOfCoupon', { fields: [field('Coupon', 'ent:Coupon', 'many', 'nillable')] }),
      element('ArrayOfCoupon', { type: 'ent:ArrayOfCoupon', nillable: true }),
      complexType('Coupon', {
        fields: [
          field('CouponCode', 'xs:string', 'nillable'),
          field('ClassName', 'xs:string', 'nillable'),
          field('CouponType', 'xs:string', 'nillable'),
          field('Amount', 'xs:double'),
          field('SpendThreshold', 'xs:double'),
          field('CurrencyCode', 'xs:string', 'nillable'),
          field('PercentOff', 'xs:double', 'nillable'),
          field('ActiveDuration', 'xs:int', 'nillable'),
          field('ExpirationDate', 'xs:dateTime', 'nillable'),
          field('StartDate', 'xs:dateTime', 'nillable'),
          field('EndDate', 'xs:dateTime', 'nillable'),
          field('SendToEmail', 'xs:string', 'nillable'),
          field('SendToDate', 'xs:dateTime', 'nillable'),
          field('IsRedeemed', 'xs:boolean'),
          field('RedemptionInfo', 'ent:CouponRedemption', 'nillable'),
          field('ClaimInfo', 'ent:CouponClaimInfo', 'nillable', 'noEmitDefault'),
        ],
      }),
      element('Coupon', { type: 'ent:Coupon', nillable: true }),
      complexType('CouponRedemption', {
        fields: [
          field('AccountId', 'xs:long'),
          field('AccountNumber', 'xs:string', 'nillable'),
          field('SpendToThreshold', 'xs:double'),
          field('Balance', 'xs:double'),
          field('CurrencyCode', 'xs:string', 'nillable'),
          field('RedemptionDate', 'xs:dateTime'),
          field('ExpirationDate', 'xs:dateTime'),
          field('ActivationDate', 'xs:dateTime', 'nillable'),
        ],
      }),
      element('CouponRedemption', { type: 'ent:CouponRedemption', nillable: true }),
      complexType('CouponClaimInfo', {
        fields: [
          field('AccountId', 'xs:long'),
          field('AccountNumber', 'xs:string', 'nillable'),
          field('ClaimDate', 'xs:dateTime'),
        ],
      }),
      element('CouponClaimInfo', { type: 'ent:CouponClaimInfo', nillable: true }),
      complexType('ArrayOfKeyValueEntityOflongstring', {
        fields: [field('KeyValueEntityOflongstring', 'ent:KeyValueEntityOflongstring', 'many', 'nillable')],
      }),
      element('ArrayOfKeyValueEntityOflongstring', { type: 'ent:ArrayOfKeyValueEntityOflongstring', nillable: true }),
      complexType('KeyValueEntityOflongstring', {
        generic: {
          name: 'KeyValueEntityOf{0}{1}{#}',
          ns: 'ent',
          params: [
            { name: 'long', ns: 'xs' },
            { name: 'string', ns: 'xs' },
          ],
        },
        fields: [field('Key', 'xs:long'), field('Value', 'xs:string', 'nillable')],
      }),
      element('KeyValueEntityOflongstring', { type: 'ent:KeyValueEntityOflongstring', nillable: true }),
      complexType('ArrayOfKeyValueEntityOflongdateTime', {
        fields: [field('KeyValueEntityOflongdateTime', 'ent:KeyValueEntityOflongdateTime', 'many', 'nillable')],
      }),
      element('ArrayOfKeyValueEntityOflongdateTime', {
        type: 'ent:ArrayOfKeyValueEntityOflongdateTime',
        nillable: true,
      }),
      complexType('KeyValueEntityOflongdateTime', {
        generic: {
          name: 'KeyValueEntityOf{0}{1}{#}',
          ns: 'ent',
          params: [
            { name: 'long', ns: 'xs' },
            { name: 'dateTime', ns: 'xs' },
          ],
        },
        fields: [field('Key', 'xs:long'), field('Value', 'xs:dateTime')],
      }),
      element('KeyValueEntityOflongdateTime', { type: 'ent:KeyValueEntityOflongdateTime', nillable: true }),
      complexType('ArrayOfCouponInfoData', {
        fields: [field('CouponInfoData', 'ent:CouponInfoData', 'many', 'nillable')],
      }),
      element('ArrayOfCouponInfoData', { type: 'ent:ArrayOfCouponInfoData', nillable: true }),
      complexType('CouponInfoData', {
        fields: [
          field('AccountId', 'xs:int'),
          field('CouponId', 'xs:int', 'nillable'),
          field('ClaimDate', 'xs:dateTime', 'nillable'),
          field('Status', 'xs:unsignedByte', 'nillable'),
          field('RedemptionDate', 'xs:dateTime', 'nillable'),
          field('ExpirationDate', 'xs:dateTime', 'nillable'),
          field('PercentOff', 'xs:double', 'nillable'),
          field('CouponValue', 'xs:decimal', 'nillable'),
          field('UpfrontSpending', 'xs:decimal', 'nillable'),
          field('ActiveDuration', 'xs:int', 'nillable'),
          field('SpendToThreshold', 'xs:decimal', 'nillable'),
          field('StartDate', 'xs:dateTime', 'nillable'),
          field('EndDate', 'xs:dateTime', 'nillable'),
          field('Balance', 'xs:decimal', 'nillable'),
          field('CurrencyCode', 'xs:string', 'nillable'),
          field('FeatureId', 'xs:int', 'nillable'),
          field('CouponType', 'xs:unsignedByte', 'nillable'),
        ],
      }),
      element('CouponInfoData', { type: 'ent:CouponInfoData', nillable: true }),
      complexType('ArrayOfBillingGroup', { fields: [field('BillingGroup', 'ent:BillingGroup', 'many', 'nillable')] }),
      element('ArrayOfBillingGroup', { type: 'ent:ArrayOfBillingGroup', nillable: true }),
      complexType('BillingGroup', {
        fields: [
          field('BillingGroupId', 'xs:long'),
          field('CustomerId', 'xs:long'),
          field('Name', 'xs:string', 'nillable'),
          field('Description', 'xs:string', 'nillable'),
        ],
      }),
      element('BillingGroup', { type: 'ent:BillingGroup', nillable: true }),
      complexType('ArrayOfUngroupedAccount', {
        fields: [field('UngroupedAccount', 'ent:UngroupedAccount', 'many', 'nillable')],
      }),
      element('ArrayOfUngroupedAccount', { type: 'ent:ArrayOfUngroupedAccount', nillable: true }),
      complexType('UngroupedAccount', {
        fields: [
          field('AccountId', 'xs:long'),
          field('AccountNumber', 'xs:string', 'nillable'),
          field('AccountName', 'xs:string', 'nillable'),
          field('PotentialBillingGroups', 'ent:ArrayOfKeyValueEntityOflongstring', 'nillable'),
        ],
      }),
      element('UngroupedAccount', { type: 'ent:UngroupedAccount', nillable: true }),
    ],
  },
  {
    ns: 'adapi',
    imports: [],
    items: [
      complexType('AdApiFaultDetail', {
        base: 'adapi:ApplicationFault',
        fields: [field('Errors', 'adapi:ArrayOfAdApiError', 'nillable')],
      }),
      element('AdApiFaultDetail', { type: 'adapi:AdApiFaultDetail', nillable: true }),
      complexType('ApplicationFault', { fields: [field('TrackingId', 'xs:string', 'nillable')] }),
      element('ApplicationFault', { type: 'adapi:ApplicationFault', nillable: true }),
      complexType('ArrayOfAdApiError', { fields: [field('AdApiError', 'adapi:AdApiError', 'many', 'nillable')] }),
      element('ArrayOfAdApiError', { type: 'adapi:ArrayOfAdApiError', nillable: true }),
      complexType('AdApiError', {
        fields: [
          field('Code', 'xs:int'),
          field('Detail', 'xs:string', 'nillable'),
          field('ErrorCode', 'xs:string', 'nillable'),
          field('Message', 'xs:string', 'nillable'),
        ],
      }),
      element('AdApiError', { type: 'adapi:AdApiError', nillable: true }),
    ],
  },
  {
    ns: 'exc',
    imports: ['adapi'],
    items: [
      complexType('ApiBatchFault', {
        base: 'exc:ApiFault',
        fields: [field('BatchErrors', 'exc:ArrayOfBatchError', 'nillable')],
      }),
      element('ApiBatchFault', { type: 'exc:ApiBatchFault', nillable: true }),
      complexType('ApiFault', {
        base: 'adapi:ApplicationFault',
        fields: [field('OperationErrors', 'exc:ArrayOfOperationError', 'nillable')],
      }),
      element('ApiFault', { type: 'exc:ApiFault', nillable: true }),
      complexType('ArrayOfOperationError', {
        fields: [field('OperationError', 'exc:OperationError', 'many', 'nillable')],
      }),
      element('ArrayOfOperationError', { type: 'exc:ArrayOfOperationError', nillable: true }),
      complexType('OperationError', {
        fields: [
          field('Code', 'xs:int'),
          field('Details', 'xs:string', 'nillable'),
          field('Message', 'xs:string', 'nillable'),
        ],
      }),
      element('OperationError', { type: 'exc:OperationError', nillable: true }),
      complexType('ArrayOfBatchError', { fields: [field('BatchError', 'exc:BatchError', 'many', 'nillable')] }),
      element('ArrayOfBatchError', { type: 'exc:ArrayOfBatchError', nillable: true }),
      complexType('BatchError', {
        fields: [
          field('Code', 'xs:int'),
          field('Details', 'xs:string', 'nillable'),
          field('Index', 'xs:int'),
          field('Message', 'xs:string', 'nillable'),
        ],
      }),
      element('BatchError', { type: 'exc:BatchError', nillable: true }),
      complexType('ArrayOfArrayOfOperationError', {
        fields: [field('ArrayOfOperationError', 'exc:ArrayOfOperationError', 'many', 'nillable')],
      }),
      element('ArrayOfArrayOfOperationError', { type: 'exc:ArrayOfArrayOfOperationError', nillable: true }),
    ],
  },
];

/** The 16 operations, in the order of the official portType, with the faults each declares. */
export const operations: readonly OperationDef[] = [
  { name: 'GetBillingDocumentsInfo', faults: ['AdApiFaultDetailFault', 'ApiBatchFault', 'ApiFault'] },
  { name: 'GetBillingDocuments', faults: ['AdApiFaultDetailFault', 'ApiBatchFault', 'ApiFault'] },
  { name: 'AddInsertionOrder', faults: ['AdApiFaultDetailFault', 'ApiFault'] },
  { name: 'UpdateInsertionOrder', faults: ['AdApiFaultDetailFault', 'ApiFault'] },
  { name: 'SearchInsertionOrders', faults: ['AdApiFaultDetailFault', 'ApiFault'] },
  { name: 'GetAccountMonthlySpend', faults: ['AdApiFaultDetailFault', 'ApiFault'] },
  { name: 'DispatchCoupons', faults: ['AdApiFaultDetailFault', 'ApiFault'] },
  { name: 'RedeemCoupon', faults: ['AdApiFaultDetailFault', 'ApiFault'] },
  { name: 'SearchCoupons', faults: ['AdApiFaultDetailFault', 'ApiFault'] },
  { name: 'CheckFeatureAdoptionCouponEligibility', faults: ['AdApiFaultDetailFault', 'ApiFault'] },
  { name: 'ClaimFeatureAdoptionCoupons', faults: ['AdApiFaultDetailFault', 'ApiFault'] },
  { name: 'GetCouponInfo', faults: ['AdApiFaultDetailFault', 'ApiFault'] },
  { name: 'DistributeCoupons', faults: ['AdApiFaultDetailFault', 'ApiFault'] },
  { name: 'GetBillingGroups', faults: ['AdApiFaultDetailFault', 'ApiFault'] },
  { name: 'GetUngroupedAccounts', faults: ['AdApiFaultDetailFault', 'ApiFault'] },
  { name: 'UpdateBillingGroupAccounts', faults: ['AdApiFaultDetailFault', 'ApiFault'] },
];
