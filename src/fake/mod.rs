//! The simulated Alibaba / Huawei Cloud / OTC provider (being written).
